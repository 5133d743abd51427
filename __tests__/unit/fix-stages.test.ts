/** When the fix pull requests and the suggestions are written at all: the rules of their stages. */
import { describe, expect, it } from 'vitest'
import { RunLedger } from '../../src/ledger.js'
import { buildSettings } from '../../src/settings/index.js'
import { fixPrStage, suggestionsStage } from '../../src/stages/fix.js'
import type { Run } from '../../src/stages/run.js'
import type { FixProposals } from '../../src/types/fix.js'
import type { GithubContext } from '../../src/types/settings.js'
import { withBestMove } from '../../src/verdict/rank.js'
import { outdatedEntry } from '../kit/entries.js'
import { EMPTY_WORKSPACE, NO_HUB } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'

const entry = withBestMove(outdatedEntry('app', 'node:22-alpine', [0, 1, 0, 0], [{ tag: '22.14-alpine', counts: [0, 0, 0, 0] }]))
const proposals: FixProposals = {
  plans: [{ base: 'node:22-alpine', tag: '22.14-alpine', target: 'node:22.14-alpine', kind: 'update', entries: [entry], files: [] }],
  notProposed: []
}

async function runWith(raw: Record<string, string>, github: Partial<GithubContext>) {
  const settings = await buildSettings(
    { reports: 'r.txt', 'fix-prs': 'true', ...raw },
    { env: { GITHUB_WORKSPACE: EMPTY_WORKSPACE, SCOUT_GRAPH_HUB_REGISTRY: NO_HUB }, matchReports: async () => ['/r/r.txt'], now: Date.now }
  )
  const recorded = recordingHost()
  const run: Run = { settings: { ...settings, github: { ...settings.github, ...github } }, host: recorded.host, ledger: new RunLedger() }
  return { run, recorded }
}

describe('the fix stages', () => {
  it.each([
    [
      'a shard, which sees only its slice',
      { shard: '1/2' },
      {},
      'warning: fix-prs: a shard sees only its slice of the images; the last job (`legs`) writes the fix pull requests'
    ],
    [
      'a pull-request run',
      {},
      { repository: 'o/r', pullRequest: 7 },
      'notice: fix-prs: not from a pull-request run; the scheduled rescans keep the fix pull requests'
    ],
    ['a run off GitHub', {}, {}, 'warning: fix-prs: this run belongs to no repository (off GitHub); the fix patch has the change'],
    [
      'a run without a token',
      { 'github-token': '' },
      { repository: 'o/r' },
      'warning: fix-prs: no token (fix-pr-token or github-token); the fix patch has the change'
    ]
  ])('writes no fix pull request from %s, and says why', async (_, raw, github, said) => {
    const { run, recorded } = await runWith(raw, github)
    expect(await fixPrStage(run, [entry], proposals)).toBeUndefined()
    expect(recorded.lines).toEqual([said])
  })

  it.each([
    [
      "a fork's pull request",
      { 'github-token': 't' },
      { repository: 'o/r', pullRequest: 7, fromFork: true },
      ["notice: suggestions: a fork's pull request gets a read-only token; the annotations say the same"]
    ],
    ['a run that is no pull request', { 'github-token': 't' }, { repository: 'o/r' }, []],
    ['suggestions: never', { 'github-token': 't', suggestions: 'never' }, { repository: 'o/r', pullRequest: 7 }, []]
  ])('posts no suggestion from %s', async (_, raw, github, said) => {
    const { run, recorded } = await runWith(raw, github)
    await suggestionsStage(run, proposals)
    expect(recorded.lines).toEqual(said)
  })
})

describe('the fix and cache inputs', () => {
  const build = (raw: Record<string, string>) =>
    buildSettings(
      { reports: 'r.txt', ...raw },
      { env: { GITHUB_WORKSPACE: EMPTY_WORKSPACE }, matchReports: async () => ['/r/r.txt'], now: Date.now }
    )

  it('reads fix-prs, its limit, labels and token, suggestions and the cache limits, with their defaults', async () => {
    const defaults = await build({})
    expect(defaults).toMatchObject({ suggestions: 'auto', scan: { cacheLimits: { maxAgeDays: 14, maxMb: 2000 } } })
    expect(defaults.fixPrs).toBeUndefined()
    const given = await build({ 'fix-prs': 'true', 'fix-pr-limit': '0', 'fix-pr-labels': 'deps, deps,security', 'fix-pr-token': 'ghs_app' })
    expect(given.fixPrs).toEqual({ limit: 0, labels: ['deps', 'security'], token: 'ghs_app' })
  })

  it.each([
    [{ 'fix-prs': 'true', 'fix-pr-limit': '101' }, /^fix-pr-limit: expected a whole number from 0 to 100/],
    [{ 'fix-prs': 'true', 'fix-pr-labels': 'x'.repeat(51) }, /^fix-pr-labels: "x+" is not a label name/],
    [{ 'fix-prs': 'true', 'fix-pr-labels': 'a\nb' }, /^fix-pr-labels: "a\\nb" is not a label name/],
    [{ suggestions: 'always' }, /^suggestions: /],
    [{ 'cache-max-mb': '0' }, /^cache-max-mb: expected a whole number from 1/],
    [{ 'cache-max-age-days': 'soon' }, /^cache-max-age-days: expected a whole number/]
  ])('refuses %o before any work, naming the input', async (raw, message) => {
    await expect(build(raw)).rejects.toThrow(message)
  })

  it('refuses a Docker Hub mirror that is not host[:port]', async () => {
    const settings = buildSettings(
      { reports: 'r.txt' },
      { env: { SCOUT_GRAPH_HUB_REGISTRY: 'https://evil/x' }, matchReports: async () => ['/r/r.txt'], now: Date.now }
    )
    await expect(settings).rejects.toThrow(/^SCOUT_GRAPH_HUB_REGISTRY: expected host\[:port\]/)
  })
})
