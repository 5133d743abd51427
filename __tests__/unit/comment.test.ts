/** The sticky pull-request comment against a local stand-in for GitHub's REST API, and the rules of when there is one. */
import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { commentStage } from '../../src/stages/comment.js'
import { dashboardStage } from '../../src/stages/dashboard.js'
import type { Run } from '../../src/stages/run.js'
import { summaryStage, type RunView } from '../../src/stages/summary.js'
import { RunLedger } from '../../src/ledger.js'
import { COMMENT_LIMIT, commentMarker, legacyCommentMarker, publishComment, type CommentTarget } from '../../src/github/comment.js'
import type { RecommendationEntry } from '../../src/types/entry.js'
import { buildSettings } from '../../src/settings/index.js'
import { FAST_GITHUB, RATE_LIMITS, useGithubApi } from '../kit/services/github-api.js'
import { CARTOGRAPHY, fixture } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'
import { entryFrom } from '../kit/entries.js'

const ecrText = fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt').toString('utf8')

describe('the sticky pull-request comment', () => {
  const { api, github: context } = useGithubApi(COMMENT_LIMIT)
  const github = () => context({ workflow: 'scan', job: 'images', pullRequest: 7 })
  const target = (overrides: Partial<CommentTarget> = {}): CommentTarget => ({
    token: 'ghs_commentToken0451',
    github: github(),
    repository: 'o/r',
    pullRequest: 7,
    leg: 'null',
    ...overrides
  })
  const images = ['registry.example.test/example/app:1.2.3']

  it('creates one comment, then finds it across pages and updates it in place', async () => {
    const recorded = recordingHost()
    await publishComment(target(), images, 'first summary', recorded.host, FAST_GITHUB)
    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(1)
    expect(api.comments.at(-1)?.body).toBe(`${commentMarker(github(), 'null')}\nfirst summary`)

    api.calls.length = 0
    await publishComment(target(), images, 'second summary', recorded.host, FAST_GITHUB)
    expect(api.calls.map((call) => call.method)).toEqual(['GET', 'GET', 'PATCH'])
    expect(api.comments).toHaveLength(4)
    expect(api.comments.at(-1)?.body).toContain('second summary')
    expect(recorded.lines.at(-1)).toBe('Updated the pull-request comment https://github.com/o/r/pull/7#issuecomment-103')
  })

  it('keeps one comment per job and leg, so matrix legs do not overwrite one another', async () => {
    const recorded = recordingHost()
    await publishComment(target({ leg: 'shard 1/2' }), ['a:1'], 'leg one', recorded.host, FAST_GITHUB)
    await publishComment(target({ leg: 'shard 2/2' }), ['b:1'], 'leg two', recorded.host, FAST_GITHUB)
    await publishComment(
      target({ github: { ...github(), job: 'other' }, leg: 'shard 1/2' }),
      ['a:1'],
      'other job',
      recorded.host,
      FAST_GITHUB
    )
    expect(api.comments.slice(3).map((comment) => comment.body.split('\n')[1])).toEqual(['leg one', 'leg two', 'other job'])
    expect(new Set(api.comments.slice(3).map((comment) => comment.body.split('\n')[0])).size).toBe(3)
  })

  it('follows the pull request: a changed image list updates the one comment', async () => {
    const recorded = recordingHost()
    await publishComment(target(), ['a:1'], 'before', recorded.host, FAST_GITHUB)
    await publishComment(target(), ['a:1', 'new:2'], 'after', recorded.host, FAST_GITHUB)
    const ours = api.comments.filter((comment) => comment.body.startsWith('<!-- scout-graph-action'))
    expect(ours.map((comment) => comment.body.split('\n')[1])).toEqual(['after'])
  })

  it('takes over an earlier version’s comment for the same images, and folds away its others as outdated', async () => {
    api.comments.push(
      { id: 50, body: `${legacyCommentMarker(github(), images)}\nold summary` },
      { id: 51, body: `${legacyCommentMarker(github(), ['gone:1'])}\nolder summary` }
    )
    const recorded = recordingHost()
    await publishComment(target(), images, 'new summary', recorded.host, FAST_GITHUB)
    expect(api.calls.filter((call) => call.method === 'POST' && call.url.startsWith('/repos'))).toEqual([])
    expect(api.comments.find((comment) => comment.id === 50)?.body).toBe(`${commentMarker(github(), 'null')}\nnew summary`)
    expect(api.minimized).toEqual(['node-51'])
  })

  it('is rendered at its own size with the note on top, from the same stage as the summary, never cut', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-comment-'))
    const event = path.join(dir, 'event.json')
    await writeFile(event, JSON.stringify({ pull_request: { number: 7 } }))
    const env = {
      GITHUB_API_URL: api.url,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '9',
      GITHUB_WORKFLOW: 'scan',
      GITHUB_JOB: 'images',
      GITHUB_EVENT_PATH: event
    }
    const inputs = {
      images: 'a:1',
      'output-dir': path.join(dir, 'out'),
      'upload-artifact': 'false',
      'github-token': 'ghs_commentToken0451'
    }
    const settings = await buildSettings(inputs, { env, matchReports: async () => [], now: Date.now })
    const entries = Array.from({ length: 3000 }, (_, i) => entryFrom(ecrText, `registry.example.test/team/app-${i}:1`))
    const recorded = recordingHost()
    const view: RunView = { runUrl: 'https://github.com/o/r/actions/runs/9', fromLines: () => [] }
    const publish = async (run: Run, published: RecommendationEntry[]) => {
      await summaryStage(run, published, view)
      await commentStage(run, published, view)
      await dashboardStage(run, published, view)
    }
    await publish({ settings, host: recorded.host, ledger: new RunLedger() }, entries)
    const body = api.comments.at(-1)?.body ?? ''
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT)
    expect(body.split('<details>').length).toBe(body.split('</details>').length)
    const note = body.indexOf("\n> To stay under GitHub's size limit")
    expect(note).toBeGreaterThan(0)
    expect(note).toBeLessThan(body.indexOf('### '))
    expect(body).toContain('everything is in the job summary of [this run](https://github.com/o/r/actions/runs/9)')
    expect(recorded.summaries[0].length).toBeGreaterThan(COMMENT_LIMIT)

    // The same pull-request run asked for the dashboard leaves it to the scheduled rescans.
    const withDashboard = { ...settings, dashboard: { title: 'Base image recommendations' } }
    await publish({ settings: withDashboard, host: recorded.host, ledger: new RunLedger() }, entries.slice(0, 2))
    expect(recorded.lines).toContain('notice: dashboard: not written from a pull-request run; the scheduled rescans keep it')
    // From a fork, whose token is read-only, it is a warning.
    const fork = { number: 8, head: { repo: { full_name: 'someone/r' } }, base: { repo: { full_name: 'o/r' } } }
    await writeFile(event, JSON.stringify({ pull_request: fork }))
    const fromFork = await buildSettings({ ...inputs, dashboard: 'true' }, { env, matchReports: async () => [], now: Date.now })
    expect(fromFork.github).toMatchObject({ pullRequest: 8, fromFork: true })
    await publish({ settings: { ...fromFork, comment: 'never' }, host: recorded.host, ledger: new RunLedger() }, entries)
    expect(recorded.warnings.map((warning) => warning.message)).toContain(
      "dashboard: not written: a fork's pull request gets a read-only token; the scheduled rescans keep it"
    )
    expect(api.calls.filter((call) => call.url.startsWith('/repos/o/r/issues?'))).toEqual([])
  })

  const fast = FAST_GITHUB
  const ours = () => api.comments.filter((comment) => comment.body.startsWith('<!-- scout-graph-action:comment'))
  const warnings = (recorded: ReturnType<typeof recordingHost>) => recorded.warnings.map((warning) => warning.message)

  it('waits out a secondary rate limit as GitHub asks (retry-after), then writes the comment', async () => {
    api.faults.push({ method: 'GET', path: /\/comments$/, answer: RATE_LIMITS.secondary(1) })
    const recorded = recordingHost()
    expect(await publishComment(target(), images, 'after the wait', recorded.host, fast)).toMatch(/issuecomment-/)
    expect(ours().map((comment) => comment.body.split('\n')[1])).toEqual(['after the wait'])
    expect(recorded.lines.some((line) => /secondary rate limit on GET .*: waiting 1 s, as GitHub asks/.test(line))).toBe(true)
    expect(warnings(recorded)).toEqual([])
  })

  it('gives up on a primary rate limit that outlasts its bound, and says so instead of blaming permissions', async () => {
    api.faults.push({ method: 'GET', path: /\/comments$/, times: 10, answer: RATE_LIMITS.primary(30) })
    const recorded = recordingHost()
    expect(await publishComment(target(), images, 'x', recorded.host, fast)).toBeUndefined()
    expect(warnings(recorded)).toEqual([
      'comment: not written to pull request #7: GitHub rate-limited the token, and the call gave up after 0 s; the job summary has the same text'
    ])
    // A reset 30 s away is past the 2 s bound: one call, no wait.
    expect(api.calls.filter((call) => call.method === 'GET')).toHaveLength(1)
  })

  it("retries a 502 and a 503 on the update, so the pull request does not keep the last run's comment", async () => {
    await publishComment(target(), images, 'first', recordingHost().host, fast)
    api.faults.push({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, answer: { status: 502, message: 'Bad Gateway' } })
    api.faults.push({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, answer: { status: 503, message: 'Service Unavailable' } })
    const recorded = recordingHost()
    await publishComment(target(), images, 'second', recorded.host, fast)
    expect(api.calls.filter((call) => call.method === 'PATCH')).toHaveLength(3)
    expect(ours().map((comment) => comment.body.split('\n')[1])).toEqual(['second'])
    expect(warnings(recorded)).toEqual([])
  })

  it('creates the comment again when it was deleted between the list and the update (404 on PATCH)', async () => {
    await publishComment(target(), images, 'first', recordingHost().host, fast)
    const deleteIt = () => void (api.comments = api.comments.filter((comment) => !comment.body.startsWith('<!-- scout-graph-action')))
    api.faults.push({ method: 'PATCH', path: /\/issues\/comments\/\d+$/, answer: deleteIt })
    const recorded = recordingHost()
    expect(await publishComment(target(), images, 'again', recorded.host, fast)).toMatch(/issuecomment-/)
    expect(ours().map((comment) => comment.body.split('\n')[1])).toEqual(['again'])
    expect(recorded.lines.at(-1)).toMatch(/^Created the pull-request comment/)
    expect(warnings(recorded)).toEqual([])
  })

  it('stops waiting for a GitHub that does not answer, and says the write may have landed; the next run converges on one comment', async () => {
    api.faults.push({ method: 'POST', path: /\/issues\/7\/comments$/, answer: 'write-then-hang' })
    const recorded = recordingHost()
    expect(await publishComment(target(), images, 'lost answer', recorded.host, fast)).toBeUndefined()
    expect(warnings(recorded)).toEqual([
      'comment: not written to pull request #7: GitHub did not answer in 0.3 s, so the write may or may not have landed (the next run finds it again); the job summary has the same text'
    ])
    // The create is never repeated blindly: one POST, one comment.
    expect(api.calls.filter((call) => call.method === 'POST')).toHaveLength(1)
    expect(ours()).toHaveLength(1)
    await publishComment(target(), images, 'next run', recordingHost().host, fast)
    expect(ours().map((comment) => comment.body.split('\n')[1])).toEqual(['next run'])
  })

  it('gives up on a list that never answers within its bound: a timeout per request, retried, never 300 s', async () => {
    api.faults.push({ method: 'GET', path: /\/comments$/, times: 10, answer: 'hang' })
    const recorded = recordingHost()
    expect(await publishComment(target(), images, 'x', recorded.host, fast)).toBeUndefined()
    // A read is safe to repeat: tried 1 + 2 times, each cut at 0.3 s.
    expect(api.calls.filter((call) => call.method === 'GET')).toHaveLength(3)
    expect(warnings(recorded)[0]).toMatch(/GitHub did not answer in 0\.3 s/)
    expect(JSON.stringify(recorded)).not.toContain('ghs_commentToken0451')
  })

  it('warns and goes on when GitHub refuses (a fork: 403; too long: 422)', async () => {
    for (const status of [403, 422]) {
      api.refuseWith = status
      const recorded = recordingHost()
      await expect(publishComment(target(), images, 'x', recorded.host, FAST_GITHUB)).resolves.toBeUndefined()
      expect(recorded.warnings.map((warning) => warning.message)).toEqual([
        status === 403
          ? 'comment: not written to pull request #7: the token may not write to this pull request (a fork, or no `pull-requests: write` permission); the job summary has the same text'
          : 'comment: not written to pull request #7: GitHub answered 422; the job summary has the same text'
      ])
      expect(JSON.stringify(recorded)).not.toContain('ghs_commentToken0451')
    }
  })

  it('makes no API call with comment: never, or outside a pull request, and says so when always has nothing to comment on', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-comment-when-'))
    const env = { GITHUB_API_URL: api.url, GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' }
    const inputs = { images: 'a:1', 'output-dir': dir, 'github-token': 'ghs_commentToken0451' }
    const view: RunView = { fromLines: () => [] }
    const entries = [entryFrom(ecrText, 'a:1')]
    const warnings: string[] = []
    for (const comment of ['never', 'auto', 'always']) {
      const settings = await buildSettings({ ...inputs, comment }, { env, matchReports: async () => [], now: Date.now })
      const recorded = recordingHost()
      await commentStage({ settings, host: recorded.host, ledger: new RunLedger() }, entries, view)
      warnings.push(...recorded.warnings.map((warning) => warning.message))
    }
    expect(api.calls).toEqual([])
    expect(warnings).toEqual(['comment: always, but this run belongs to no pull request: nothing to comment on'])
  })
})
