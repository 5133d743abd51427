/** The command line run in-process from `src/`: a change that breaks it fails the fast tier. */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { INPUTS } from '../../src/inputs.js'
import { cliInProcess } from '../kit/cli.js'
import type { RecommendationEntry } from '../../src/types/entry.js'
import { CARTOGRAPHY, NO_HUB, ROOT, WILD } from '../kit/helpers.js'

describe('the command line, from src/', () => {
  const cli = cliInProcess

  it('prints the recommendations table and writes the graph and summary files', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const result = await cli([
      '--reports',
      path.join(WILD, 'lab8-node22-alpine-slim-plus-deltas.txt'),
      '--output-dir',
      out,
      '--summary-file',
      path.join(out, 's.md'),
      '--update-tag',
      '7'
    ])
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')[0]).toMatch(/^IMAGE\s+BASE\s+MOVE\s+REMOVES\s+ADDS$/)
    // Scout's only option leaves Alpine for Debian's slim floating tag: under moves: compatible, a bigger move.
    expect(result.stdout).toMatch(
      /lab8:classic\s+node:22-alpine\s+update node:slim \(bigger move: Alpine 3\.20 → Debian 12, slim variant, floating tag\)\s+nothing\s+23 low$/m
    )
    expect(JSON.parse(await readFile(path.join(out, 'graph.json'), 'utf8')).updateTag).toBe(7)
    expect(await readFile(path.join(out, 's.md'), 'utf8')).toContain('lab8:classic')
  })

  it('takes --dockerfiles and --sarif-file, off GitHub the working directory being the workspace', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const sarif = path.join(out, 'alerts', 'scout.sarif')
    const args = ['--reports', 'examples/reports', '--output-dir', out, '--fail-on=none', '--sarif-file', sarif]
    const offGithub = { GITHUB_WORKSPACE: '' }
    const result = await cli([...args, '--dockerfiles', 'examples/Dockerfile'], offGithub)
    expect(result.code).toBe(0)
    const log = JSON.parse(await readFile(sarif, 'utf8')) as { runs: { results: { locations: { physicalLocation: unknown }[] }[] }[] }
    expect(log.runs[0].results.map((result) => result.locations[0].physicalLocation)).toEqual([
      { artifactLocation: { uri: 'examples/Dockerfile', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } }
    ])
    await rm(sarif)
    expect((await cli([...args, '--dockerfiles', 'none'], offGithub)).code).toBe(0)
    await expect(readFile(sarif)).rejects.toThrow(/ENOENT/)
  })

  it('prints only JSON on stdout with --json', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const result = await cli(['--reports', CARTOGRAPHY, '--output-dir', out, '--json', '--fail-on=none'])
    expect(result.code).toBe(0)
    // A directory stands for every file below it: the two .md notes are read and skipped.
    const entries = JSON.parse(result.stdout) as { source: string; status: string }[]
    expect(entries).toHaveLength(8)
    expect(entries.filter((entry) => entry.source.endsWith('.md')).map((entry) => entry.status)).toEqual(['not-a-report', 'not-a-report'])
  })

  it('exits 1 when fail-on is hit and 2 on bad usage', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const hit = await cli([
      '--reports',
      path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt'),
      '--output-dir',
      out,
      '--fail-on',
      'outdated'
    ])
    expect(hit.code).toBe(1)
    expect(hit.stderr).toContain('fail-on outdated: 1 image(s)')
    const unknown = await cli(['--reprots', 'x'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("Unknown option '--reprots'")
    const badValue = await cli(['--reports', CARTOGRAPHY, '--summary=maybe'])
    expect(badValue.code).toBe(2)
    const ownLines = badValue.stderr.split('\n').filter((line) => line.startsWith('scout-graph:'))
    expect(ownLines).toEqual(['scout-graph: summary: expected true or false, got "maybe"'])
  })

  it('names in --help every environment variable the code reads, except the runner’s own', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    const sources = await readdir(path.join(ROOT, 'src'), { recursive: true })
    const read = new Set<string>()
    for (const file of sources.filter((name) => name.endsWith('.ts'))) {
      const text = await readFile(path.join(ROOT, 'src', file), 'utf8')
      for (const match of text.matchAll(/env\.([A-Z][A-Z_0-9]+)/g)) read.add(match[1])
    }
    // Set by the runner for the action, never by a CLI user: GITHUB_* context, ACTIONS_* service tokens, the tool cache.
    const runnerOnly = (name: string) => /^(GITHUB_(?!TOKEN)|ACTIONS_|RUNNER_TOOL_CACHE)/.test(name)
    const named = [...read].filter((name) => !runnerOnly(name))
    expect(named.length).toBeGreaterThan(2)
    for (const name of named) expect(help.stdout, name).toContain(name)
    for (const spec of INPUTS) for (const name of spec.env ?? []) expect(help.stdout, name).toContain(name)
    // The flags of the command line alone.
    for (const flag of ['--json', '--summary-file PATH', '--fix-patch PATH', '--cache-dir DIR']) expect(help.stdout).toContain(flag)
  })

  it('prints no group that does nothing off a runner (no artifact service, no pull request)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const result = await cli(['--reports', path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt'), '--output-dir', out, '--fail-on=none'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('== Build the graph')
    expect(result.stderr).not.toContain('Upload the artifact')
    expect(result.stderr).not.toContain('Pull-request comment')
  })
})

describe('the command line, with a policy file', () => {
  const NODE18 = path.join(WILD, 'lukagrc-wik-dps-tp03-node18-alpine-v1.0-windows.txt')
  const POLICY = [
    'moves: compatible,runtime-major',
    'ignore:',
    "  - bases: ['node:18*']",
    "    tags: ['20*']",
    '    reason: waiting for the SDK to support <Node 20>',
    '    until: 2099-03-31',
    "  - images: ['no-such-image']",
    '    reason: old',
    '    until: 2020-01-01',
    ''
  ].join('\n')

  async function workspace(policy: string): Promise<string> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-policy-'))
    await mkdir(path.join(root, '.github'))
    await writeFile(path.join(root, '.github', 'scout-graph.yml'), policy)
    return root
  }

  it('follows .github/scout-graph.yml: ignored options are in the JSON and their own fold, not in counts or fail-on', async () => {
    const root = await workspace(POLICY)
    const out = path.join(root, 'out')
    const args = ['--reports', NODE18, '--output-dir', out, '--summary-file', path.join(out, 's.md'), '--fail-on', 'outdated']
    const json = await cliInProcess([...args, '--json'], { GITHUB_WORKSPACE: root })
    // Both options are Node 20 (slim is also 20-slim): the entry holds both back, nothing is outdated.
    expect(json.code).toBe(0)
    const [entry] = JSON.parse(json.stdout) as RecommendationEntry[]
    expect(entry.bestMove).toBeNull()
    expect(entry.recommendations.map((option) => [option.tag, option.allowed, option.ignored])).toEqual([
      ['20-alpine', false, { reason: 'waiting for the SDK to support <Node 20>', until: '2099-03-31' }],
      ['slim', false, { reason: 'waiting for the SDK to support <Node 20>', until: '2099-03-31' }]
    ])
    const summary = await readFile(path.join(out, 's.md'), 'utf8')
    expect(summary).toContain('<details><summary>2 option(s) ignored by the policy file</summary>')
    expect(summary).toContain(
      '| `wik-dps-tp02` | `node:hydrogen-alpine3.18` → `node:20-alpine` | waiting for the SDK to support &lt;Node 20&gt; | 2099-03-31 |'
    )
    expect(summary).toMatch(/- ⚠️ \*\*0 need a bigger move\*\*/)
    // The expired entry warns with its place; the glob that matched nothing is a notice.
    expect(json.stderr).toContain('the ignore entry "old" ended on 2020-01-01: what it held back is proposed again')
    expect(json.stderr).toContain('.github/scout-graph.yml:7: the images glob "no-such-image" matches nothing in this run')
    const table = await cliInProcess(args, { GITHUB_WORKSPACE: root })
    expect(table.stdout).toMatch(/update node:20-alpine \(ignored until 2099-03-31: waiting for the SDK to support <Node 20>\)/)
    // Without the file, Node 20 is a bigger move, and the image needs one: nothing fails for outdated either.
    const off = await cliInProcess([...args, '--json', '--policy-file', 'none'], { GITHUB_WORKSPACE: root })
    const [plain] = JSON.parse(off.stdout) as RecommendationEntry[]
    expect(plain.recommendations.map((option) => [option.allowed, option.ignored])).toEqual([
      [false, undefined],
      [false, undefined]
    ])
    // An explicit --moves wins over the file's moves: with any, slim is allowed... but still ignored.
    const any = await cliInProcess([...args, '--json', '--moves', 'any'], { GITHUB_WORKSPACE: root })
    expect((JSON.parse(any.stdout) as RecommendationEntry[])[0].recommendations.map((option) => option.allowed)).toEqual([false, false])
  })

  it('refuses a bad policy file before any work: exit 2, the file, line and key on stderr, no output written', async () => {
    const root = await workspace('moves: compatible\nignore:\n  - tags: ["20*"]\n    reason: later\n    until: someday\n')
    const out = path.join(root, 'out')
    const result = await cliInProcess(['--reports', NODE18, '--output-dir', out], { GITHUB_WORKSPACE: root })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('policy-file: .github/scout-graph.yml:5: ignore[0].until: expected a date as YYYY-MM-DD')
    await expect(readdir(out)).rejects.toThrow(/ENOENT/)
  })
})

describe('the command line, proposing fixes', () => {
  it('writes --fix-patch, which git apply takes, and lists the move and what it left alone in the summary', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-fix-'))
    await mkdir(path.join(root, 'web'))
    await writeFile(path.join(root, 'web', 'Dockerfile'), '# web\nFROM --platform=linux/amd64 python:3.11-alpine AS app\nCMD ["python"]\n')
    await writeFile(
      path.join(root, 'Dockerfile.pinned'),
      'FROM python:3.11-alpine@sha256:81d42a73add8e508771ee8e923f9f8392ec1c3d1e482d7d594891d06e78fb51c\n'
    )
    const patch = path.join(root, 'out', 'moves.patch')
    const args = ['--reports', path.join(WILD, 'tiamaria-python311-alpine-v1.17-windows-after.txt'), '--output-dir', path.join(root, 'out')]
    const summary = path.join(root, 'out', 's.md')
    // The pinned FROM keeps the whole base out (all or none); alone, the other file is moved.
    const both = await cliInProcess([...args, '--fix-patch', patch, '--summary-file', summary], {
      GITHUB_WORKSPACE: root
    })
    expect(both.code).toBe(0)
    await expect(readFile(patch)).rejects.toThrow(/ENOENT/)
    expect(await readFile(summary, 'utf8')).toContain(
      `- Not proposed: \`python:3.11-alpine\` (\`Dockerfile.pinned:1\`): pinned by digest, and the new digest is unknown: ${NO_HUB} did not answer \\(fetch failed\\)`
    )
    await rm(path.join(root, 'Dockerfile.pinned'))
    const one = await cliInProcess([...args, '--fix-patch', patch, '--summary-file', summary], { GITHUB_WORKSPACE: root })
    expect(one.code).toBe(0)
    expect(await readFile(summary, 'utf8')).toContain(
      '- **1 base(s) to move**, every `FROM` that names each: `python:3.11-alpine` → `python:3.13-alpine`.'
    )
    const git = (...command: string[]) => execFileSync('git', command, { cwd: root, stdio: 'pipe' }).toString()
    git('init', '-q')
    git('apply', '--check', patch)
    git('apply', patch)
    expect(await readFile(path.join(root, 'web', 'Dockerfile'), 'utf8')).toBe(
      '# web\nFROM --platform=linux/amd64 python:3.13-alpine AS app\nCMD ["python"]\n'
    )
  })
})
