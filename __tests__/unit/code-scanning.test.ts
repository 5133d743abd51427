/**
 * Recommendations on the `FROM` lines where the fix goes: Dockerfiles found and parsed, references
 * matched as Docker resolves them, and the SARIF file validated as code scanning takes it.
 */
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Log } from 'sarif'
import { describe, expect, it } from 'vitest'
import { findDockerfiles } from '../../src/dockerfile/find.js'
import { readFroms } from '../../src/dockerfile/parse.js'
import { normalizeReference } from '../../src/dockerfile/reference.js'
import { matchReportFiles } from '../../src/report/files.js'
import { runPipeline } from '../../src/pipeline.js'
import { buildSarif, MAX_RESULTS } from '../../src/code-scanning/sarif.js'
import { buildSettings } from '../../src/settings/index.js'
import type { RawInputs } from '../../src/inputs.js'
import type { FromLine } from '../../src/types/dockerfile.js'
import { outdatedEntry } from '../kit/entries.js'
import { CARTOGRAPHY, FIXTURES, NO_HUB, WILD } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'
import { sarifProblems } from '../kit/sarif.js'

const REPORTS = [
  path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt'), // node:25-alpine, digest e754…
  path.join(CARTOGRAPHY, 'gitlab-recommendation-report.txt'), // the same base, another image
  path.join(CARTOGRAPHY, 'variant-crlf-registry-port-report.txt'), // registry.example.test:5000/node:25-alpine
  path.join(WILD, 'vitkhab-node22-local-prefix.txt'), // node:22
  path.join(WILD, 'minitwit-nginx1-alpine-no-target-header.txt'), // nginx:1-alpine
  path.join(WILD, 'tiamaria-python311-alpine-v1.17-windows-after.txt') // python:3.11-alpine
]

/** A workspace holding the fixture Dockerfiles, and a `.git` and `node_modules` that `auto` must skip. */
async function workspace(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sg-workspace-'))
  await cp(path.join(FIXTURES, 'dockerfiles'), root, { recursive: true })
  for (const skipped of ['.git', 'node_modules/pkg']) {
    await mkdir(path.join(root, skipped), { recursive: true })
    await writeFile(path.join(root, skipped, 'Dockerfile'), 'FROM node:25-alpine\n')
  }
  return root
}

async function run(root: string, inputs: RawInputs = {}, reports = REPORTS, env: NodeJS.ProcessEnv = {}) {
  const recorded = recordingHost()
  const settings = await buildSettings(
    // Every option counts as a move here (moves: any): the matching of FROM lines is the subject.
    { reports: reports.join('\n'), 'output-dir': path.join(root, '.out'), 'fail-on': 'none', comment: 'never', moves: 'any', ...inputs },
    { env: { GITHUB_WORKSPACE: root, SCOUT_GRAPH_HUB_REGISTRY: NO_HUB, ...env }, matchReports: matchReportFiles, now: Date.now }
  )
  await runPipeline(settings, recorded.host)
  const sarifFile = recorded.outputs['sarif-file']
  const log = sarifFile ? (JSON.parse(await readFile(sarifFile, 'utf8')) as Log) : undefined
  return { recorded, log, settings }
}

const where = (log: Log | undefined) =>
  (log?.runs[0].results ?? [])
    .map((result) => {
      const location = result.locations?.[0]?.physicalLocation
      return `${location?.artifactLocation?.uri}:${location?.region?.startLine}`
    })
    .sort()

describe('references, as Docker resolves them', () => {
  it.each([
    ['node', 'docker.io/library/node', 'latest', undefined],
    ['library/node:22', 'docker.io/library/node', '22', undefined],
    ['docker.io/library/node:22', 'docker.io/library/node', '22', undefined],
    ['index.docker.io/library/node:22', 'docker.io/library/node', '22', undefined],
    ['docker.io/node:22', 'docker.io/library/node', '22', undefined],
    ['bitnami/redis:7', 'docker.io/bitnami/redis', '7', undefined],
    ['localhost/app', 'localhost/app', 'latest', undefined],
    ['registry.example.test:5000/node:25-alpine', 'registry.example.test:5000/node', '25-alpine', undefined],
    ['node@sha256:abc', 'docker.io/library/node', undefined, 'sha256:abc'],
    ['node:22@sha256:abc', 'docker.io/library/node', '22', 'sha256:abc']
  ])('%s', (reference, repository, tag, digest) => {
    expect(normalizeReference(reference)).toEqual({ repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) })
  })

  it('names no image for variables left unset, blanks or an empty tag', () => {
    for (const reference of ['$BASE', '${BASE}:1', '', 'node:', 'a b']) expect(normalizeReference(reference)).toBeUndefined()
  })
})

describe('FROM instructions, read with dockerfile-ast', () => {
  it('reads quoted references and Windows escape directives as BuildKit does', () => {
    const quoted = readFroms(`FROM "node:20" AS a\nFROM 'ghcr.io/acme/base':"1"\n`).map((from) => from.image)
    expect(quoted).toEqual([
      { repository: 'docker.io/library/node', tag: '20' },
      { repository: 'ghcr.io/acme/base', tag: '1' }
    ])
    const windows =
      '# escape=`\r\nARG TAG=ltsc2022\r\nFROM mcr.microsoft.com/windows/servercore:${TAG} `\r\n  AS base\r\nRUN dir c:\\\r\nFROM base\r\n'
    expect(readFroms(windows)).toEqual([
      {
        line: 3,
        stage: 0,
        stageName: 'base',
        reference: 'mcr.microsoft.com/windows/servercore:ltsc2022',
        image: { repository: 'mcr.microsoft.com/windows/servercore', tag: 'ltsc2022' }
      }
    ])
  })

  it('finds no image in a FROM cut short', () => {
    expect(readFroms('FROM\nFROM node:\nFROM --platform=linux/amd64\n')).toEqual([])
  })

  it('reads a BOM, CRLF, lower-case keywords, continuations, and ARG defaults of both kinds', () => {
    const text =
      '\uFEFFARG NODE\r\nARG OS=alpine\r\nfrom node:${NODE:-20}-${OS} AS a\r\nFROM \\\r\n  node:${NODE}\r\nFROM a\r\nFROM --platform=linux/arm64 node@sha256:ab AS b\r\n'
    expect(readFroms(text)).toEqual([
      { line: 3, stage: 0, stageName: 'a', reference: 'node:20-alpine', image: { repository: 'docker.io/library/node', tag: '20-alpine' } },
      {
        line: 7,
        stage: 3,
        stageName: 'b',
        reference: 'node@sha256:ab',
        image: { repository: 'docker.io/library/node', digest: 'sha256:ab' }
      }
    ])
  })
})

describe('the FROM lines each base lands on', () => {
  it('finds every Dockerfile under the workspace, parses it, and matches by name:tag and by pinned digest', async () => {
    const root = await workspace()
    const { log, recorded, settings } = await run(root)
    expect(settings.dockerfiles?.auto).toBe(true)
    expect(recorded.lines).toContain('4 Dockerfile(s) read; 6 image(s) located on 9 FROM line(s)')
    expect(where(log)).toEqual([
      'Containerfile:1', // index.docker.io/library/node:25-alpine
      'Containerfile:4', // node:22 AS legacy (not the comment above it)
      'Containerfile:5', // registry.example.test:5000/node:25-alpine
      'Containerfile:6', // python:3.11-alpine
      'docs/Dockerfile.dev:1', // nginx:1-alpine, not NGINX: nor ghcr.io/nginx
      'services/api/Dockerfile:12', // a FROM over three lines: the keyword's line
      'services/api/Dockerfile:5', // node:${NODE_VERSION}-alpine with the ARG default
      'services/web/web.Dockerfile:2', // library/node:lts pinned to the base's digest
      'services/web/web.Dockerfile:5' // node@sha256 of the base
    ])
    // Left alone: FROM node (latest), FROM build, scratch, $UNSET_BASE, the stale digest, .git and node_modules.
    expect(log?.runs[0].results?.map((result) => result.message.text).join('\n')).not.toContain('node_modules')
    expect(sarifProblems(log as Log)).toEqual([])
  })

  it('alerts only on lines with an allowed move under the move policy, naming the bigger moves in the message', async () => {
    const root = await workspace()
    const { log } = await run(root, { moves: 'compatible' })
    // node:22 (Containerfile:4) and nginx:1-alpine (docs/Dockerfile.dev:1) have only bigger moves: no alert.
    expect(where(log)).toEqual([
      'Containerfile:1',
      'Containerfile:5',
      'Containerfile:6',
      'services/api/Dockerfile:12',
      'services/api/Dockerfile:5',
      'services/web/web.Dockerfile:2',
      'services/web/web.Dockerfile:5'
    ])
    const node25 = log?.runs[0].results?.find((result) => result.message.text?.includes('Base image node:25-alpine'))
    expect(node25?.message.text).toContain('Best: rebuild on a newer node:25-alpine')
    expect(node25?.message.text).toContain('node:slim (bigger move: Alpine 3.23 → Debian 12, slim variant, floating tag)')
  })

  it('writes one result per line however many reports share its base, naming their images once', async () => {
    const root = await workspace()
    const { log } = await run(root) // the ECR and GitLab reports: one image name, one base, two digests
    const onLine = (log?.runs[0].results ?? []).filter(
      (result) =>
        result.locations?.[0]?.physicalLocation?.artifactLocation?.uri === 'services/api/Dockerfile' &&
        result.locations[0].physicalLocation.region?.startLine === 12
    )
    expect(onLine).toHaveLength(1)
    expect(onLine[0].message.text).toBe(
      'Base image node:25-alpine (of registry.example.test/example/app:1.2.3) should move. ' +
        'Best: node:slim removes 2 high, 1 medium and adds 9 low. Other options: rebuild on a newer node:25-alpine removes 2 high; ' +
        'node:current-alpine3.23 removes 2 high; node:current-alpine removes 2 high.'
    )
    expect(onLine[0].level).toBe('error')
    expect(onLine[0].ruleId).toBe('scout-graph/base-image-update')
  })

  it('puts annotations and summary links on the same lines, and looks only in the Dockerfile an image is mapped to', async () => {
    const root = await workspace()
    const env = { GITHUB_REPOSITORY: 'o/r', GITHUB_SHA: 'abc123', GITHUB_SERVER_URL: 'https://github.com' }
    const { recorded } = await run(root, { dockerfiles: 'auto\nlocal://vitkhab/serverless:3.40.0-22=docs/Dockerfile.dev' }, REPORTS, env)
    const places = recorded.warnings.filter((warning) => warning.place?.title === 'Base image update').map((warning) => warning.place)
    expect(places).toContainEqual({ title: 'Base image update', file: 'Containerfile', startLine: 5 })
    // node:22 is mapped to a Dockerfile that does not use it: no line rather than a wrong one.
    const node22 = recorded.warnings.find((warning) => warning.message.startsWith('local://vitkhab/serverless:3.40.0-22:'))
    expect(node22?.place).toEqual({ title: 'Base image update' })
    expect(recorded.summaries[0]).toContain('[`services/api/Dockerfile:5`](https://github.com/o/r/blob/abc123/services/api/Dockerfile#L5)')
    expect(recorded.summaries[0]).not.toContain('Containerfile:4')
  })

  it('keeps each alert across two runs when a Dockerfile gains lines above its FROM', async () => {
    const root = await workspace()
    const fingerprints = (log: Log | undefined) =>
      Object.fromEntries(
        (log?.runs[0].results ?? []).map((result): [string, string] => [
          String(result.partialFingerprints?.primaryLocationLineHash),
          `${result.locations?.[0]?.physicalLocation?.artifactLocation?.uri}:${result.locations?.[0]?.physicalLocation?.region?.startLine}`
        ])
      )
    const before = fingerprints((await run(root)).log)
    const file = path.join(root, 'Containerfile')
    await writeFile(file, `# maintained by the platform team\n# see docs/\n${await readFile(file, 'utf8')}`)
    const after = fingerprints((await run(root)).log)
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
    for (const [hash, where] of Object.entries(before)) {
      const [uri, line] = where.split(':')
      expect(after[hash]).toBe(uri === 'Containerfile' ? `${uri}:${Number(line) + 2}` : where)
    }
  })

  it('follows no symbolic link and stops walking a huge workspace with a warning', async () => {
    const root = await workspace()
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'sg-linked-'))
    await writeFile(path.join(elsewhere, 'Dockerfile'), 'FROM node:22\n')
    await symlink(elsewhere, path.join(root, 'linked'))
    await symlink(path.join(elsewhere, 'Dockerfile'), path.join(root, 'Dockerfile'))
    await symlink(root, path.join(root, 'services', 'loop'))
    const settings = { auto: true, patterns: [], mapped: new Map<string, string>(), root }
    const all = recordingHost()
    const index = await findDockerfiles(settings, all.host)
    expect(index.files.map((file) => file.path)).toEqual([
      'Containerfile',
      'docs/Dockerfile.dev',
      'services/api/Dockerfile',
      'services/web/web.Dockerfile'
    ])
    expect(all.warnings).toEqual([])

    const capped = recordingHost()
    const first = await findDockerfiles(settings, capped.host, 3)
    expect(first.files.map((file) => file.path)).toEqual(['Containerfile'])
    expect(capped.warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(new RegExp(`^dockerfiles: auto stopped after \\d+ entries under ${root}; name the Dockerfiles`))
    ])
  })

  it('reads only the patterns given, and nothing with none', async () => {
    const root = await workspace()
    const only = await run(root, { dockerfiles: 'docs/*' })
    expect(where(only.log)).toEqual(['docs/Dockerfile.dev:1'])
    const none = await run(root, { dockerfiles: 'none' })
    expect(none.log).toBeUndefined()
    expect(none.recorded.outputs['sarif-file']).toBeUndefined()
  })

  it('writes an empty result list when nothing should move, so fixed alerts close; and none without a Dockerfile', async () => {
    const root = await workspace()
    const upToDate = [path.join(WILD, 'qiita-alpine3-refresh-uptodate-no-tag-recs-dec.txt')]
    const { log } = await run(root, {}, upToDate)
    expect(log?.runs[0].results).toEqual([])
    expect(sarifProblems(log as Log)).toEqual([])
    const empty = await mkdtemp(path.join(os.tmpdir(), 'sg-empty-'))
    expect((await run(empty, {}, upToDate)).log).toBeUndefined()
  })

  it('skips what cannot be read with a warning, and fails the step when the SARIF file cannot be written', async () => {
    const root = await workspace()
    await mkdir(path.join(root, 'sarif-is-a-folder'))
    const recorded = recordingHost()
    const settings = await buildSettings(
      {
        reports: REPORTS.join('\n'),
        'output-dir': path.join(root, '.out'),
        'fail-on': 'none',
        comment: 'never',
        moves: 'any',
        dockerfiles: 'auto\napp:1=services',
        'sarif-file': path.join(root, 'sarif-is-a-folder')
      },
      { env: { GITHUB_WORKSPACE: root, SCOUT_GRAPH_HUB_REGISTRY: NO_HUB }, matchReports: matchReportFiles, now: Date.now }
    )
    const result = await runPipeline(settings, recorded.host)
    expect(recorded.warnings.map((warning) => warning.message)).toContain(
      `dockerfiles: ${path.join(root, 'services')} is not a readable file; skipped`
    )
    expect(result.errors).toEqual([expect.stringMatching(/^sarif-file: not written: EISDIR/)])
    expect(recorded.outputs['sarif-file']).toBeUndefined()
    expect(recorded.summaries).toHaveLength(1)
    expect(recorded.outputs['outdated-count']).toBe('6')
  })

  it('annotates a Dockerfile mapped from outside the workspace, but leaves it out of the SARIF file', async () => {
    const root = await workspace()
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'sg-elsewhere-'))
    const outside = path.join(elsewhere, 'Dockerfile')
    await writeFile(outside, '# syntax=docker/dockerfile:1\nFROM golang:1.22 AS build\n\nFROM --platform=$TARGETPLATFORM nginx:1-alpine\n')
    const { recorded, log } = await run(root, { dockerfiles: `auto\nminitwit:1=${outside}` }, [REPORTS[4]])
    expect(recorded.warnings[0].message).toBe(
      `dockerfiles: ${outside} is outside the workspace (${root}): annotated, but left out of the SARIF file`
    )
    expect(where(log)).toEqual(['docs/Dockerfile.dev:1'])
    // Its lines come first (its full path sorts first): the annotation lands on its FROM.
    expect(recorded.warnings[1].place).toEqual({ title: 'Base image update', file: outside.split(path.sep).join('/'), startLine: 4 })
    await expect(run(root, { dockerfiles: 'app:1=.' })).rejects.toThrow(/^dockerfiles: "\." names no file/)
  })
})

describe('SARIF for code scanning', () => {
  const from = (line: number): FromLine => ({ path: 'svc/Dockerfile', line, stage: 'runtime' })

  it('keeps an alert across runs: the same fingerprint when the line moves and the counts change', () => {
    const before = outdatedEntry('app:1', 'node:20', [0, 4, 2, 0], [{ tag: '22', counts: [0, 0, 0, 0] }])
    const after = outdatedEntry('app:1', 'node:20', [1, 9, 2, 0], [{ tag: '22', counts: [0, 1, 0, 0] }])
    const first = buildSarif(new Map([[before, [from(3)]]])).log.runs[0].results?.[0]
    const second = buildSarif(new Map([[after, [from(17)]]])).log.runs[0].results?.[0]
    expect(first?.partialFingerprints?.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:1$/)
    expect(second?.partialFingerprints).toEqual(first?.partialFingerprints)
    expect(second?.locations?.[0]?.physicalLocation?.region?.startLine).toBe(17)
    // Another stage or another base is another alert.
    const other = buildSarif(new Map([[before, [{ ...from(3), stage: 'build' }]]])).log.runs[0].results?.[0]
    expect(other?.partialFingerprints).not.toEqual(first?.partialFingerprints)
  })

  it('levels by what the best move removes, keeps report text plain, and stays within GitHub limits', () => {
    const hostile = outdatedEntry('evil:1', 'node:20', [0, 0, 3, 0], [{ tag: '22 [click](https://x.test) <b>', counts: [0, 0, 0, 0] }])
    const [result] = buildSarif(new Map([[hostile, [from(1)]]])).log.runs[0].results ?? []
    expect(result.level).toBe('warning')
    expect(result.message.text).toContain('node:22 \\[click\\](https://x.test) <b> removes 3 medium')
    expect(result.message.markdown).toBeUndefined()

    const many = new Map(
      Array.from({ length: MAX_RESULTS + 50 }, (_, i) => [
        outdatedEntry(`app:${i}`, 'node:20', [0, i % 2, 1, 0], [{ tag: '22', counts: [0, 0, 0, 0] }]),
        [{ path: `svc/${i}/Dockerfile`, line: 1, stage: '#0' }]
      ])
    )
    const { log, dropped } = buildSarif(many)
    expect(log.runs[0].results).toHaveLength(MAX_RESULTS)
    expect(dropped).toBe(50)
    expect(log.runs[0].results?.every((r, i, all) => i === 0 || !(r.level === 'error' && all[i - 1].level !== 'error'))).toBe(true)
    expect(sarifProblems(log)).toEqual([])
  })
})
