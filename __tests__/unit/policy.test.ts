/**
 * The move policy file (moves.md): read from the workspace, checked against the shipped JSON Schema with
 * the file, line and key of the first problem named; its rules (later wins), its ignore entries (reason,
 * until, expiry) and the input that wins over its `moves`.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readFileSync } from 'node:fs'
import { InputError, buildSettings } from '../../src/settings/index.js'
import { imageSubject, policyMessages } from '../../src/moves/policy.js'
import { parseReport } from '../../src/report/parse.js'
import type { MovePolicy } from '../../src/types/moves.js'
import type { FromLine } from '../../src/types/dockerfile.js'
import { toEntry } from '../../src/verdict/entry.js'
import { urgency, withBestMove } from '../../src/verdict/rank.js'
import { annotate, publishOutputs } from '../../src/outputs/outputs.js'
import { buildSarif } from '../../src/code-scanning/sarif.js'
import { failOnViolations } from '../../src/verdict/fail-on.js'
import { renderSummary } from '../../src/summary/summary.js'
import { recordingHost } from '../kit/host.js'
import { ROOT, WILD, fixture } from '../kit/helpers.js'

/** 2026-12-01, noon UTC. */
const NOW = Date.UTC(2026, 11, 1, 12)

async function workspaceWith(policy: string | undefined, name = '.github/scout-graph.yml'): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sg-policy-'))
  if (policy !== undefined) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true })
    await writeFile(path.join(root, name), policy)
  }
  return root
}

async function policyIn(workspace: string, raw: Record<string, string> = {}): Promise<MovePolicy> {
  const settings = await buildSettings(
    { reports: 'r.txt', ...raw },
    { env: { GITHUB_WORKSPACE: workspace }, matchReports: async () => ['/r/r.txt'], now: () => NOW }
  )
  return settings.movePolicy
}

async function refusal(policy: string): Promise<string> {
  const error = await policyIn(await workspaceWith(policy)).catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(InputError)
  return (error as InputError).message
}

const FILE = `# the team's policy
moves: compatible,variant
rules:
  - images: ['ghcr.io/acme/legacy-*']
    moves: refresh
  - bases: ['node:*']
    moves: [refresh, runtime-major]
  - images: ['ghcr.io/acme/legacy-api']
    moves: any
ignore:
  - bases: ['node:18*']
    tags: ['20*']
    reason: waiting for the SDK to support Node 20
    until: 2027-03-31
`

describe('the policy file', () => {
  it('is read from .github/scout-graph.yml, its rules and ignore entries kept with their lines', async () => {
    const policy = await policyIn(await workspaceWith(FILE))
    expect(new Set(policy.moves)).toEqual(new Set(['refresh', 'runtime-minor', 'os-version', 'variant']))
    expect(
      policy.rules.map((rule) => [rule.images?.map((g) => g.glob), rule.bases?.map((g) => g.glob), rule.moves, rule.place.line])
    ).toEqual([
      [['ghcr.io/acme/legacy-*'], undefined, ['refresh'], 4],
      [undefined, ['node:*'], ['refresh', 'runtime-major'], 6],
      [['ghcr.io/acme/legacy-api'], undefined, expect.arrayContaining(['os-family', 'floating', 'unknown']), 8]
    ])
    expect(policy.ignore).toMatchObject([
      { reason: 'waiting for the SDK to support Node 20', until: '2027-03-31', place: { file: '.github/scout-graph.yml', line: 11 } }
    ])
    expect(policy.today).toBe('2026-12-01')
  })

  it('yields its moves to the input given explicitly; its rules still apply', async () => {
    const policy = await policyIn(await workspaceWith(FILE), { moves: 'any' })
    expect(policy.moves).toHaveLength(9)
    expect(policy.rules).toHaveLength(3)
  })

  it('is optional: no file is moves: compatible; none turns a file off; a file named and missing is refused', async () => {
    expect((await policyIn(await workspaceWith(undefined))).moves).toEqual(['refresh', 'runtime-minor', 'os-version'])
    const off = await policyIn(await workspaceWith(FILE), { 'policy-file': 'none' })
    expect(off).toMatchObject({ moves: ['refresh', 'runtime-minor', 'os-version'], rules: [], ignore: [] })
    const elsewhere = await workspaceWith('moves: refresh\n', 'policy/moves.yaml')
    expect((await policyIn(elsewhere, { 'policy-file': 'policy/moves.yaml' })).moves).toEqual(['refresh'])
    await expect(policyIn(elsewhere, { 'policy-file': 'policy/missing.yaml' })).rejects.toThrow(
      /^policy-file: "policy\/missing.yaml" is not a file/
    )
  })

  it('refuses a bad moves input, naming it, and reads names and classes mixed', async () => {
    const empty = await workspaceWith(undefined)
    await expect(policyIn(empty, { moves: 'compatible,sideways' })).rejects.toThrow(
      /^moves: unknown word "sideways" \(expected compatible, any, refresh, or a comma list of those and of refresh, runtime-major/
    )
    expect((await policyIn(empty, { moves: 'compatible, runtime-major' })).moves).toEqual([
      'refresh',
      'runtime-major',
      'runtime-minor',
      'os-version'
    ])
    expect((await policyIn(empty, { moves: 'refresh' })).moves).toEqual(['refresh'])
  })

  it('takes an empty file, or one of comments only, as the default policy', async () => {
    for (const text of ['', '# nothing yet\n']) {
      expect(await policyIn(await workspaceWith(text))).toMatchObject({
        moves: ['refresh', 'runtime-minor', 'os-version'],
        rules: [],
        ignore: []
      })
    }
  })

  it.each([
    ['not YAML', 'moves: [refresh\nrules: 3\n', /^policy-file: \.github\/scout-graph\.yml:\d: not YAML: /],
    ['a list where a map belongs', '- moves: any\n', /^policy-file: \.github\/scout-graph\.yml:1: \(file\): expected a map of keys$/],
    [
      'a map where a list belongs',
      'moves: any\nrules:\n  images: x\n',
      /^policy-file: \.github\/scout-graph\.yml:3: rules: expected a list$/
    ],
    [
      'an unknown key, on its line',
      'moves: any\nrule:\n  - moves: any\n',
      /^policy-file: \.github\/scout-graph\.yml:2: rule: unknown key \(expected moves, rules, ignore\)$/
    ],
    [
      'a misspelt key in a rule',
      'rules:\n  - images: [a]\n    move: any\n',
      /^policy-file: \.github\/scout-graph\.yml:3: rules\[0\]\.move: unknown key/
    ],
    [
      'a bad moves word',
      'rules:\n  - images: [a]\n    moves: compatible,minor\n',
      /^policy-file: \.github\/scout-graph\.yml:3: rules\[0\]\.moves: expected compatible, any, refresh, or a comma list of those and of refresh, runtime-major/
    ],
    [
      'a rule that matches nothing by design',
      'rules:\n  - moves: any\n',
      /^policy-file: \.github\/scout-graph\.yml:2: rules\[0\]: name at least one of images, bases$/
    ],
    [
      'an ignore entry without a reason',
      'ignore:\n  - tags: ["20*"]\n    until: 2027-01-01\n',
      /^policy-file: \.github\/scout-graph\.yml:2: ignore\[0\]: missing reason$/
    ],
    ['an ignore entry without an until', 'ignore:\n  - tags: ["20*"]\n    reason: later\n', /:2: ignore\[0\]: missing until$/],
    [
      'an until that is not a date',
      'ignore:\n  - tags: ["20*"]\n    reason: later\n    until: next spring\n',
      /:4: ignore\[0\]\.until: expected a date as YYYY-MM-DD$/
    ],
    [
      'an until of a day that does not exist',
      'ignore:\n  - tags: ["20*"]\n    reason: later\n    until: 2027-02-30\n',
      /:4: ignore\[0\]\.until: no such day$/
    ],
    [
      'an until written as a number',
      'ignore:\n  - tags: ["20*"]\n    reason: later\n    until: 20270101\n',
      /:4: ignore\[0\]\.until: expected text$/
    ],
    [
      'a blank reason',
      "ignore:\n  - tags: ['20*']\n    reason: '   '\n    until: 2027-01-01\n",
      /:3: ignore\[0\]\.reason: expected a reason/
    ],
    ['a key given twice', 'moves: any\nmoves: refresh\n', /:2: not YAML: Map keys must be unique/]
  ])('refuses %s, naming the file, the line and the key', async (_, text, expected) => {
    expect(await refusal(text)).toMatch(expected)
  })

  it('is refused before any work: a bad file stops the settings, the images are not looked at', async () => {
    const workspace = await workspaceWith('moves: sideways\n')
    let looked = false
    const settings = buildSettings(
      { reports: 'r/*.txt' },
      { env: { GITHUB_WORKSPACE: workspace }, matchReports: async () => ((looked = true), ['/r/a.txt']), now: () => NOW }
    )
    await expect(settings).rejects.toThrow(/^policy-file: \.github\/scout-graph\.yml:1: moves: expected compatible/)
    // Report patterns are expanded first (they are inputs too), but nothing ran: no scan, no read.
    expect(looked).toBe(true)
  })

  it('ships a JSON Schema that accepts the documented example and refuses what the action refuses', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'policy.schema.json'), 'utf8')) as object
    const validate = new Ajv({ strict: true, strictRequired: false, validateFormats: false }).compile(schema)
    const example = readFileSync(path.join(ROOT, 'docs', 'moves.md'), 'utf8').match(
      /```yaml\n(# \.github\/scout-graph\.yml\n[\s\S]*?)```/
    )?.[1]
    expect(example).toBeDefined()
    expect(validate(parse(example as string))).toBe(true)
    expect(validate(parse(FILE))).toBe(true)
    expect(validate({ moves: 'sideways' })).toBe(false)
    expect(validate({ ignore: [{ tags: ['x'], reason: 'r' }] })).toBe(false)
  })
})

describe('the move policy, applied', () => {
  const NODE18 = parseReport(fixture(WILD, 'lukagrc-wik-dps-tp03-node18-alpine-v1.0-windows.txt'))
  const PYTHON = parseReport(fixture(WILD, 'tiamaria-python311-alpine-v1.17-windows-after.txt'))

  it('lets the last matching rule decide an image’s moves', async () => {
    const policy = await policyIn(await workspaceWith(FILE))
    // node:18-alpine's options: 20-alpine (runtime-major), slim (runtime-major, os-family, variant).
    const node = withBestMove(toEntry({ source: 'a', parsed: NODE18, image: 'ghcr.io/acme/app' }, policy))
    expect(node.recommendations.map((option) => [option.tag, option.allowed])).toEqual([
      ['20-alpine', false],
      ['slim', false]
    ])
    expect(node.recommendations[0].ignored).toEqual({ reason: 'waiting for the SDK to support Node 20', until: '2027-03-31' })
    expect(node.bestMove).toBeNull()
    // A later rule lets this one image take any move; the ignore entry still holds back both options,
    // for slim is Node 20 too ("Also known as 20-slim"). Without the entry, both are allowed.
    const legacy = (policy: MovePolicy) => withBestMove(toEntry({ source: 'a', parsed: NODE18, image: 'ghcr.io/acme/legacy-api' }, policy))
    expect(legacy(policy).recommendations.map((option) => [option.tag, option.allowed, option.ignored?.until])).toEqual([
      ['20-alpine', false, '2027-03-31'],
      ['slim', false, '2027-03-31']
    ])
    expect(legacy({ ...policy, ignore: [] }).recommendations.map((option) => option.allowed)).toEqual([true, true])
    expect(legacy({ ...policy, ignore: [] }).bestMove).toEqual({ kind: 'update', tag: '20-alpine' })
    // legacy-* moves by refresh only: python's minor moves are bigger there, allowed elsewhere.
    const python = (image: string) => toEntry({ source: 'b', parsed: PYTHON, image }, policy).recommendations.map((o) => o.allowed)
    expect(python('ghcr.io/acme/legacy-web')).toEqual([false, false])
    expect(python('ghcr.io/acme/web')).toEqual([true, true])
  })

  it('stops ignoring after until, with a warning; gives a notice in the last 14 days; and names globs that match nothing', async () => {
    const file = (until: string) =>
      `ignore:\n  - bases: ['node:18*']\n    tags: ['20*']\n    reason: SDK\n    until: ${until}\n  - images: ['nothing-like-this']\n    reason: typo\n    until: 2030-01-01\n`
    const subjects = [imageSubject('app', NODE18)]
    const expired = await policyIn(await workspaceWith(file('2026-11-30')))
    expect(toEntry({ source: 'a', parsed: NODE18, image: 'app' }, expired).recommendations[0]).toMatchObject({ tag: '20-alpine' })
    expect(
      toEntry({ source: 'a', parsed: NODE18, image: 'app' }, { ...expired, moves: ['runtime-major'] }).recommendations[0].allowed
    ).toBe(true)
    const said = policyMessages(expired, subjects, { wholeRun: true })
    expect(said.warnings).toEqual([
      {
        message: 'the ignore entry "SDK" ended on 2026-11-30: what it held back is proposed again',
        place: { file: '.github/scout-graph.yml', line: 2 }
      }
    ])
    expect(said.notices.map((notice) => notice.message)).toEqual(['the images glob "nothing-like-this" matches nothing in this run'])
    // The last day still ignores; within 14 days, a notice says when it ends.
    const soon = await policyIn(await workspaceWith(file('2026-12-14')))
    expect(toEntry({ source: 'a', parsed: NODE18, image: 'app' }, { ...soon, moves: ['runtime-major'] }).recommendations[0].allowed).toBe(
      false
    )
    expect(policyMessages(soon, subjects, { wholeRun: false })).toEqual({
      warnings: [],
      notices: [{ message: 'the ignore entry "SDK" ends on 2026-12-14, in 13 days', place: { file: '.github/scout-graph.yml', line: 2 } }]
    })
    const later = await policyIn(await workspaceWith(file('2026-12-15')))
    expect(policyMessages(later, subjects, { wholeRun: false })).toEqual({ warnings: [], notices: [] })
  })

  it('matches bases by every name the report gives them, and tags by their aliases', async () => {
    // The report names the base node:18-alpine on its first line and node:hydrogen-alpine3.18 in its Name row.
    expect(imageSubject('app', NODE18).bases).toEqual(expect.arrayContaining(['node:18-alpine', 'node:hydrogen-alpine3.18']))
    const policy = await policyIn(
      await workspaceWith("moves: any\nignore:\n  - bases: ['node:hydrogen-*']\n    reason: r\n    until: 2027-01-01\n")
    )
    expect(toEntry({ source: 'a', parsed: NODE18, image: 'app' }, policy).recommendations.map((o) => o.allowed)).toEqual([false, false])
  })
})

describe('every output leaves out what an ignore entry holds back', () => {
  // python:3.11-alpine's options: 3.13-alpine and 3.12-alpine, each a runtime-minor move removing 1 high.
  const PYTHON = parseReport(fixture(WILD, 'tiamaria-python311-alpine-v1.17-windows-after.txt'))
  const entriesUnder = async (policy: string) => {
    const settings = await policyIn(await workspaceWith(policy))
    return [withBestMove(toEntry({ source: 'reports/web.txt', parsed: PYTHON, image: 'web' }, settings))]
  }
  const HOLD_313 = "ignore:\n  - tags: ['3.13*']\n    reason: the ORM is not ready\n    until: 2027-01-31\n"
  const HOLD_ALL = "ignore:\n  - bases: ['python:3.11*']\n    reason: frozen\n    until: 2027-01-31\n"
  const from: FromLine = { path: 'Dockerfile', line: 1, stage: '#0' }

  it('proposes the next allowed option in annotations, SARIF, outputs and fail-on; none when all are held back', async () => {
    const held = await entriesUnder(HOLD_313)
    expect(held[0].bestMove).toEqual({ kind: 'update', tag: '3.12-alpine' })
    const recorded = recordingHost()
    annotate(held, new Map(), recorded.host)
    expect(recorded.warnings.map((warning) => warning.message)).toEqual([
      'web: base image python:3.11-alpine should move: update python:3.12-alpine (removes 1 high)'
    ])
    const sarif = buildSarif(new Map([[held[0], [from]]]))
    expect(sarif.log.runs[0].results?.map((result) => result.message.text)).toEqual([
      'Base image python:3.11-alpine (of web) should move. Best: python:3.12-alpine removes 1 high.'
    ])
    expect(failOnViolations(held, ['outdated', 'fixable-high'])).toHaveLength(2)

    const frozen = await entriesUnder(HOLD_ALL)
    expect(frozen[0].bestMove).toBeNull()
    const quiet = recordingHost()
    annotate(frozen, new Map(), quiet.host)
    publishOutputs(frozen, { graphFile: 'g.json', reportDir: 'r' }, quiet.host)
    expect(quiet.warnings).toEqual([])
    expect(quiet.outputs['outdated-count']).toBe('0')
    expect(buildSarif(new Map([[frozen[0], [from]]])).log.runs[0].results).toEqual([])
    expect(failOnViolations(frozen, ['outdated', 'fixable-high'])).toEqual([])
    expect(urgency(frozen[0])).toBe('current')
    expect(renderSummary(frozen)).toContain('<details><summary>2 option(s) ignored by the policy file</summary>')
  })
})
