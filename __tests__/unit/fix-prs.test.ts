/**
 * Fix pull requests against the GitHub API stand-in (its git data, pulls and labels): opened once, left
 * alone when nothing changed, moved by compare-and-swap when the move changes, frozen by someone else's
 * commit, declined by a close, closed when the move is no longer recommended, and every refusal a warning.
 */
import { describe, expect, it } from 'vitest'
import { planFixes } from '../../src/fix/plan.js'
import { FIX_TEXTS } from '../../src/fix/texts.js'
import { suggestionsFor } from '../../src/fix/suggest.js'
import { publishSuggestions } from '../../src/github/suggestions.js'
import { fixBranch, publishFixPrs, readFixState, type FixTarget } from '../../src/github/fix-prs.js'
import type { Located } from '../../src/types/entry.js'
import type { FixPlan } from '../../src/types/fix.js'
import { withBestMove } from '../../src/verdict/rank.js'
import { outdatedEntry } from '../kit/entries.js'
import { recordingHost } from '../kit/host.js'
import { gitRepo } from '../kit/services/github-git.js'
import { FAST_GITHUB, RATE_LIMITS, useGithubApi } from '../kit/services/github-api.js'

const FILES = { Dockerfile: 'FROM node:22-alpine AS build\r\nRUN npm ci\r\n', 'web/Dockerfile': 'FROM python:3.11-slim\n' }

async function plansFor(moves: Record<string, string>, files: Record<string, string> = FILES): Promise<FixPlan[]> {
  const located: Located = new Map()
  for (const [base, tag] of Object.entries(moves)) {
    const entry = withBestMove(
      outdatedEntry(`app-${base}`, base, [0, 2, 0, 0], [{ tag, counts: [0, 0, 0, 0], changes: ['runtime-minor'] }])
    )
    const path = base.startsWith('node') ? 'Dockerfile' : 'web/Dockerfile'
    located.set(entry, [{ path, line: 1, stage: '#0' }])
  }
  return (await planFixes([...located.keys()], located, async (path) => files[path as keyof typeof files])).plans
}

describe('fix pull requests', () => {
  const { api, github } = useGithubApi()
  const run = async (plans: FixPlan[], extra: Partial<FixTarget> = {}) => {
    const recorded = recordingHost()
    const target: FixTarget = {
      token: 'ghs_fixToken',
      github: github(),
      repository: 'o/r',
      labels: ['dependencies', 'security'],
      limit: 5,
      recommended: new Set(plans.map((plan) => plan.base)),
      mayClose: true,
      runUrl: 'https://github.com/o/r/actions/runs/9',
      ...extra
    }
    const result = await publishFixPrs(plans, target, FIX_TEXTS, recorded.host, FAST_GITHUB)
    return { result, recorded }
  }
  const writes = () => api.calls.filter((call) => call.method !== 'GET' && !(call.url === '/graphql' && false))
  const fresh = () => {
    api.git = gitRepo(FILES)
    api.calls.length = 0
  }

  it('opens one pull request per base, one commit on the default branch that moves only the references, labelled', async () => {
    fresh()
    const { result } = await run(await plansFor({ 'node:22-alpine': '22.14-alpine', 'python:3.11-slim': '3.13-slim' }))
    expect(result).toMatchObject({ opened: ['node:22-alpine', 'python:3.11-slim'], skipped: [], waiting: [] })
    const branch = fixBranch('node:22-alpine')
    expect(branch).toMatch(/^scout-graph\/node-22-alpine-[0-9a-f]{6}$/)
    expect(api.git.fileAt(branch, 'Dockerfile')).toBe('FROM node:22.14-alpine AS build\r\nRUN npm ci\r\n')
    expect(api.git.fileAt(branch, 'web/Dockerfile')).toBe('FROM python:3.11-slim\n')
    expect(api.git.fileAt('main', 'Dockerfile')).toBe(FILES.Dockerfile)
    const [pull] = api.git.pulls
    expect(pull).toMatchObject({ title: 'Move node:22-alpine to node:22.14-alpine', base: 'main', labels: ['dependencies', 'security'] })
    expect(pull.body).toContain('- **Removes** 🟧 **2 high**')
    expect(pull.body).toContain('- **Changes** a newer minor Node version')
    expect(pull.body).toContain('`Dockerfile`: line 1')
    expect(readFixState(pull.body)).toMatchObject({
      base: 'node:22-alpine',
      target: 'node:22.14-alpine',
      commit: api.git.refs.get(`heads/${branch}`)
    })
    expect([...api.git.labels]).toEqual(['bug', 'dependencies', 'security'])
  })

  it('converges: a second run with the same move writes nothing; a new move moves the branch by compare-and-swap', async () => {
    fresh()
    await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    api.calls.length = 0
    const again = await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    expect(again.result.unchanged).toEqual(['node:22-alpine'])
    expect(writes()).toEqual([])
    const moved = await run(await plansFor({ 'node:22-alpine': '22.15-alpine' }))
    expect(moved.result.updated).toEqual(['node:22-alpine'])
    expect(api.git.pulls).toHaveLength(1)
    expect(api.git.pulls[0].title).toBe('Move node:22-alpine to node:22.15-alpine')
    expect(api.git.fileAt(fixBranch('node:22-alpine'), 'Dockerfile')).toBe('FROM node:22.15-alpine AS build\r\nRUN npm ci\r\n')
    expect(api.calls.some((call) => call.url === '/graphql' && JSON.stringify(call.body).includes('beforeOid'))).toBe(true)
  })

  it('freezes on a commit by someone else: one comment, never overwritten, never closed', async () => {
    fresh()
    await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    const branch = fixBranch('node:22-alpine')
    const theirs = api.git.push(branch, { Dockerfile: 'FROM node:22.14-alpine AS build\r\nRUN npm ci --omit=dev\r\n' })
    for (let attempt = 0; attempt < 2; attempt++)
      expect((await run(await plansFor({ 'node:22-alpine': '22.15-alpine' }))).result.frozen).toEqual(['node:22-alpine'])
    expect(api.git.refs.get(`heads/${branch}`)).toBe(theirs)
    expect(api.git.pulls[0].comments).toHaveLength(1)
    expect(api.git.pulls[0].comments[0]).toContain('no longer updates this pull request')
    await run([], { recommended: new Set() })
    expect(api.git.pulls[0].state).toBe('open')
    expect(api.git.refs.get(`heads/${branch}`)).toBe(theirs)
  })

  it('closes with a comment and deletes the branch when the move is no longer recommended, but not after a failed run', async () => {
    fresh()
    await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    await run([], { recommended: new Set(), mayClose: false })
    expect(api.git.pulls[0].state).toBe('open')
    const { result } = await run([], { recommended: new Set() })
    expect(result.closed).toEqual(['node:22-alpine'])
    expect(api.git.pulls[0]).toMatchObject({ state: 'closed' })
    expect(api.git.pulls[0].comments[0]).toContain('is no longer the recommended move')
    expect(api.git.refs.has(`heads/${fixBranch('node:22-alpine')}`)).toBe(false)
    // Recommended again later: a close of this action's own declines nothing, so a new pull request opens.
    expect((await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))).result.opened).toEqual(['node:22-alpine'])
  })

  it('takes a close without merging as declining that target: not proposed again until the move changes', async () => {
    fresh()
    await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    api.git.pulls[0].state = 'closed'
    for (let attempt = 0; attempt < 2; attempt++)
      expect((await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))).result.declined).toEqual(['node:22-alpine'])
    expect(api.git.pulls).toHaveLength(1)
    expect(api.git.pulls[0].comments).toEqual([
      expect.stringContaining('is not proposed again for `node:22-alpine` until the best move changes')
    ])
    const next = await run(await plansFor({ 'node:22-alpine': '22.15-alpine' }))
    expect(next.result.opened).toEqual(['node:22-alpine'])
    expect(api.git.pulls).toHaveLength(2)
  })

  it('keeps to fix-pr-limit, the most urgent first; the rest wait', async () => {
    fresh()
    const { result } = await run(await plansFor({ 'node:22-alpine': '22.14-alpine', 'python:3.11-slim': '3.13-slim' }), { limit: 1 })
    expect(result.opened).toHaveLength(1)
    expect(result.waiting).toHaveLength(1)
    expect(api.git.pulls).toHaveLength(1)
  })

  it('does not write over a Dockerfile that changed on the default branch since the checkout', async () => {
    fresh()
    api.git.push('main', { Dockerfile: 'FROM node:22-alpine AS build\r\nRUN npm ci && npm test\r\n' })
    const { result } = await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    expect(result.skipped).toEqual([
      { base: 'node:22-alpine', reason: "Dockerfile changed on main since this run's checkout (or is gone); the next run proposes it" }
    ])
    expect(api.git.pulls).toEqual([])
  })

  it('after a merge, proposes nothing over the merged Dockerfile; a deleted Dockerfile is not written either', async () => {
    fresh()
    await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    api.git.merge(api.git.pulls[0].number)
    // A scan from before the merge still recommends the move: the file on main is not the one it read.
    const stale = await run(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    expect(stale.result.opened).toEqual([])
    expect(stale.result.skipped[0].reason).toMatch(/^Dockerfile changed on main/)
    expect(api.git.pulls).toHaveLength(1)
    const gone = await run(await plansFor({ 'python:3.11-slim': '3.13-slim' }, { ...FILES, 'web/Dockerfile': FILES['web/Dockerfile'] }), {})
    expect(gone.result.opened).toEqual(['python:3.11-slim'])
  })

  it('warns and goes on when GitHub refuses a branch (a protected name), a label, or rate-limits a write', async () => {
    fresh()
    api.faults.push({
      method: 'POST',
      path: /\/git\/refs$/,
      answer: { status: 403, message: 'Cannot create ref due to creations being restricted.' }
    })
    api.faults.push({
      method: 'POST',
      path: /\/labels$/,
      times: 5,
      answer: { status: 403, message: 'Resource not accessible by integration' }
    })
    api.faults.push({ method: 'POST', path: /\/git\/trees$/, answer: RATE_LIMITS.secondary(1) })
    const { result, recorded } = await run(await plansFor({ 'node:22-alpine': '22.14-alpine', 'python:3.11-slim': '3.13-slim' }))
    // The secondary rate limit on the first tree is waited out; the first branch is refused; the second opens.
    expect(result.skipped.map((skipped) => skipped.base)).toEqual(['node:22-alpine'])
    expect(result.opened).toEqual(['python:3.11-slim'])
    const warnings = recorded.warnings.map((warning) => warning.message)
    expect(warnings[0]).toMatch(/^fix-prs: node:22-alpine: the token may not write the fix branch/)
    expect(warnings.some((warning) => warning.startsWith('fix-prs: the label "dependencies" could not be created'))).toBe(true)
    expect(api.git.pulls.map((pull) => pull.labels)).toEqual([[]])
  })

  it('says which setting to change when Actions may not open pull requests, and leaves no branch behind', async () => {
    fresh()
    api.git.forbidPullRequests = true
    const { result, recorded } = await run(await plansFor({ 'node:22-alpine': '22.14-alpine', 'python:3.11-slim': '3.13-slim' }))
    expect(result.opened).toEqual([])
    expect(result.waiting).toEqual(['python:3.11-slim'])
    expect(recorded.warnings.map((warning) => warning.message)).toContain(
      'fix-prs: this repository does not let GitHub Actions create pull requests: allow it under Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests", or give fix-pr-token'
    )
    expect([...api.git.refs.keys()]).toEqual(['heads/main'])
  })
})

describe('suggestions on a pull request', () => {
  const { api, github } = useGithubApi()
  const review = async (plans: FixPlan[]) => {
    const recorded = recordingHost()
    const target = { token: 'ghs_t', github: github({ pullRequest: 600 }), repository: 'o/r', pullRequest: 600 }
    const posted = await publishSuggestions(
      target,
      (patches) => {
        const { suggestions } = suggestionsFor(plans, patches)
        return suggestions.length > 0 ? { body: 'moves', comments: suggestions } : undefined
      },
      recorded.host,
      FAST_GITHUB
    )
    return { posted, recorded }
  }
  const openPull = (files: { filename: string; patch: string }[]) => {
    api.git = gitRepo(FILES)
    api.git.push('main', {})
    api.git.refs.set('heads/feature', api.git.refs.get('heads/main') as string)
    api.git.pulls.push({
      number: 600,
      title: 'a change',
      body: '',
      state: 'open',
      merged: false,
      branch: 'feature',
      sha: '',
      base: 'main',
      labels: [],
      comments: [],
      files,
      reviews: []
    })
  }

  it('posts one review per head commit with a suggestion on each FROM line inside the diff, and none twice', async () => {
    openPull([
      { filename: 'Dockerfile', patch: '@@ -1,2 +1,2 @@\n FROM node:22-alpine AS build\r\n-RUN npm install\r\n+RUN npm ci\r\n' },
      { filename: 'web/Dockerfile', patch: '@@ -0,0 +1 @@\n+FROM python:3.11-slim\n' }
    ])
    const plans = await plansFor({ 'node:22-alpine': '22.14-alpine', 'python:3.11-slim': '3.13-slim' })
    expect((await review(plans)).posted).toBe(2)
    const [posted] = api.git.pulls[0].reviews
    expect(posted.commit_id).toBe(api.git.refs.get('heads/feature'))
    expect(
      posted.comments.map((comment) => [comment.path, comment.line, comment.side, comment.body.split('\n').slice(0, 3).join('\n')])
    ).toEqual([
      ['Dockerfile', 1, 'RIGHT', '```suggestion\nFROM node:22.14-alpine AS build\n```'],
      ['web/Dockerfile', 1, 'RIGHT', '```suggestion\nFROM python:3.13-slim\n```']
    ])
    expect((await review(plans)).posted).toBe(0)
    expect(api.git.pulls[0].reviews).toHaveLength(1)
    // A new head commit is reviewed again.
    api.git.push('feature', { 'README.md': 'x' })
    expect((await review(plans)).posted).toBe(2)
  })

  it('leaves out lines outside the diff, so the review is never refused, and posts nothing when none is inside', async () => {
    openPull([{ filename: 'Dockerfile', patch: '@@ -2 +2 @@\n-RUN npm install\r\n+RUN npm ci\r\n' }])
    const { posted, recorded } = await review(await plansFor({ 'node:22-alpine': '22.14-alpine' }))
    expect(posted).toBe(0)
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([])
    expect(recorded.warnings).toEqual([])
  })

  it('warns, never fails, when GitHub refuses the review', async () => {
    openPull([{ filename: 'web/Dockerfile', patch: '@@ -0,0 +1 @@\n+FROM python:3.11-slim\n' }])
    api.faults.push({ method: 'POST', path: /reviews$/, answer: { status: 403, message: 'Resource not accessible by integration' } })
    const { posted, recorded } = await review(await plansFor({ 'python:3.11-slim': '3.13-slim' }))
    expect(posted).toBe(0)
    expect(recorded.warnings[0].message).toMatch(/^suggestions: not posted: .*pull-requests: write/)
  })
})
