/**
 * The failure paths of issue 12 that need no service: a Scout that fails the ways the real one does,
 * wrong matrix inputs, hostile inputs, and a canary secret searched in everything a run writes.
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { errorLine, redact } from '../../src/messages.js'
import { runPipeline } from '../../src/pipeline.js'
import { readScannedReports } from '../../src/collect/reports.js'
import { scanImages } from '../../src/scan/scan.js'
import { buildSettings, InputError } from '../../src/settings/index.js'
import { childEnvironment } from '../../src/scan/child-env.js'
import { reportFileName } from '../../src/types/report-names.js'
import { CARTOGRAPHY, FAKE_DOCKER, finished, ROOT, runAction, WILD } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'

const ECR = path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt')
const NODE22 = path.join(WILD, 'vitkhab-node22-local-prefix.txt')
let state: string
let outputDir: string
const recorded = recordingHost()
const { host, lines: logs } = recorded
const asGiven = { env: {}, matchReports: async (patterns: string[]) => patterns, now: () => 1_700_000_000_000 }

beforeEach(async () => {
  state = await mkdtemp(path.join(os.tmpdir(), 'sg-fail-docker-'))
  outputDir = await mkdtemp(path.join(os.tmpdir(), 'sg-fail-out-'))
  if (!process.env.PATH?.startsWith(FAKE_DOCKER)) process.env.PATH = `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`
  process.env.DOCKER_SCOUT_FAKE_STATE = state
  recorded.clear()
})

async function scan(images: string[], extra: Record<string, string> = {}) {
  const settings = await buildSettings({ images: images.join(','), 'output-dir': outputDir, ...extra }, asGiven)
  // The scan stage, then the report stage reading what Scout wrote, as the pipeline runs them.
  const outcomes = await readScannedReports(await scanImages(settings, host, { retryBaseMs: 10 }), outputDir)
  return Object.fromEntries(outcomes.map((outcome) => [outcome.image, outcome]))
}

async function calls(): Promise<{ image: string; fullEnv: Record<string, string> }[]> {
  const text = await readFile(path.join(state, 'calls.jsonl'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
}

/** Every file under a folder, as text. */
async function allFiles(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = new Map<string, string>()
  for (const entry of entries) {
    if (entry.isFile())
      files.set(path.join(entry.parentPath, entry.name), await readFile(path.join(entry.parentPath, entry.name), 'latin1'))
  }
  return files
}

describe('a Scout that fails the ways the real one does', () => {
  it('does not take a panic for a rate limit because a progress line says "429 packages"', async () => {
    const result = await scan(['crash429:1'], { retries: '2' })
    expect(result['crash429:1'].error).toBe('docker scout crashed (Go panic, exit 2)')
    expect((await calls()).filter((call) => call.image === 'crash429:1')).toHaveLength(1)
  })

  it('still retries a real rate limit', async () => {
    const result = await scan(['ratelimit:1'], { retries: '1' })
    expect(result['ratelimit:1'].error).toMatch(/^rate limited: .*toomanyrequests/)
    expect(await calls()).toHaveLength(2)
  })

  it('never reads a report an earlier run left at the path when Scout exits 0 without writing', async () => {
    const reports = path.join(outputDir, 'reports')
    await mkdir(reports, { recursive: true })
    await writeFile(path.join(reports, reportFileName('noreport:1')), await readFile(ECR))
    const result = await scan(['noreport:1'])
    expect(result['noreport:1']).toMatchObject({ error: 'docker scout exited 0 but wrote no report' })
    expect(result['noreport:1'].parsed).toBeUndefined()
  })

  it('names a failed scan by its log, which exists, not by a report that does not', async () => {
    const result = await scan(['missing:1'])
    const source = result['missing:1'].source
    expect(source).toMatch(/\.log$/)
    expect(await readFile(path.join(outputDir, source), 'utf8')).toContain('image not found')
  })

  it('ends a timeout on time when a grandchild left the process group and holds stderr open', async () => {
    const result = await scan(['setsid:1'], { 'timeout-seconds': '1', retries: '0' })
    expect(result['setsid:1'].error).toBe('timed out after 1s (killed with its children)')
    // The grandchild sleeps 300 s with the pipe open: it is still alive, so the scan did not wait for it.
    const grandchild = Number(await readFile(path.join(state, 'setsid-pid'), 'utf8'))
    expect(() => process.kill(grandchild, 0)).not.toThrow()
    process.kill(grandchild, 'SIGKILL')
  })

  it('gives Scout only what it needs: no INPUT_*, no other sink credential, no GitHub token', async () => {
    const canary = 'canary-Zq9v-secret'
    Object.assign(process.env, {
      'INPUT_NEO4J-PASSWORD': canary,
      'INPUT_GITHUB-TOKEN': canary,
      GITHUB_TOKEN: canary,
      ACTIONS_RUNTIME_TOKEN: canary,
      NEO4J_PASSWORD: canary,
      AWS_SECRET_ACCESS_KEY: canary,
      DOCKER_PASSWORD: canary,
      HTTPS_PROXY: 'http://proxy.example.test:3128'
    })
    await scan(['app:1'], { 'dockerhub-user': 'hubuser', 'dockerhub-password': 'hub-pat-Lk3' })
    const [call] = await calls()
    expect(Object.keys(call.fullEnv).filter((name) => name.startsWith('INPUT_'))).toEqual([])
    expect(Object.values(call.fullEnv).some((value) => value.includes(canary))).toBe(false)
    expect(call.fullEnv).toMatchObject({
      DOCKER_SCOUT_HUB_USER: 'hubuser',
      DOCKER_SCOUT_HUB_PASSWORD: 'hub-pat-Lk3',
      HTTPS_PROXY: 'http://proxy.example.test:3128'
    })
    expect(call.fullEnv.PATH).toBe(process.env.PATH)
  })

  it('builds every child environment from the same allow-list', () => {
    const env = childEnvironment(
      { PATH: '/bin', INPUT_X: 'a', GITHUB_TOKEN: 'b', DOCKER_CONFIG: '/c', DOCKER_SCOUT_X: 'd', LC_ALL: 'C' },
      { OWN: '1' }
    )
    expect(env).toEqual({ PATH: '/bin', DOCKER_CONFIG: '/c', DOCKER_SCOUT_X: 'd', LC_ALL: 'C', OWN: '1' })
  })
})

describe('the matrix and the report files', () => {
  it('refuses legs that match no manifest, like reports', async () => {
    const error = await buildSettings({ legs: '/no/such/legs/*/scout-graph-leg.json' }, { ...asGiven, matchReports: async () => [] }).catch(
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe('legs: no file matches "/no/such/legs/*/scout-graph-leg.json"')
  })

  it('names the file and the field of a manifest with a missing or wrong field', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-legs-'))
    const good = { schema: 'scout-graph-leg/1', runAttempt: 1, updateTag: 5, reports: [], failed: [], noBaseImage: [] }
    const cases: [object, string][] = [
      [{ ...good, runAttempt: undefined }, 'field "runAttempt" must be a whole number from 1'],
      [{ ...good, reports: 'x' }, 'field "reports" must be a list of'],
      [{ ...good, reports: [{ image: 'a' }] }, 'field "reports[0]" must be { image, file }'],
      [
        { ...good, reports: [{ image: 'a', file: '../../etc/passwd' }] },
        'field "reports[0]" must be { image, file } with file a relative path inside'
      ],
      [{ ...good, failed: [{ image: 'a', error: 3 }] }, 'field "failed[0]" must be { image, error }'],
      [{ ...good, shard: { index: 3, count: 2 } }, 'field "shard" must be an object { index, count }'],
      [[], 'field "(top level)" must be an object']
    ]
    for (const [manifest, message] of cases) {
      const file = path.join(dir, 'scout-graph-leg.json')
      await writeFile(file, JSON.stringify(manifest))
      const error = await buildSettings({ legs: file }, asGiven).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InputError)
      expect((error as Error).message).toContain(`legs: ${file}: ${message}`)
    }
  })

  it('keeps the reports of a reports: run in its artifact folder, where the manifest names them, and a last job reads them', async () => {
    const settings = await buildSettings(
      { reports: [ECR, NODE22].join('\n'), 'output-dir': outputDir, 'fail-on': 'none', 'update-tag': '7' },
      asGiven
    )
    await runPipeline(settings, host)
    const manifest = JSON.parse(await readFile(path.join(outputDir, 'scout-graph-leg.json'), 'utf8'))
    expect(manifest.reports).toHaveLength(2)
    for (const report of manifest.reports) {
      expect(report.file).toMatch(/^reports\//)
      expect(existsSync(path.join(outputDir, report.file))).toBe(true)
    }
    // The artifact as the last job downloads it: only the output folder, somewhere else.
    const downloaded = await mkdtemp(path.join(os.tmpdir(), 'sg-downloaded-'))
    for (const [file, text] of await allFiles(outputDir)) {
      const target = path.join(downloaded, 'leg', path.relative(outputDir, file))
      await mkdir(path.dirname(target), { recursive: true })
      await writeFile(target, text, 'latin1')
    }
    const last = await buildSettings(
      {
        legs: path.join(downloaded, 'leg', 'scout-graph-leg.json'),
        'output-dir': path.join(downloaded, 'out'),
        'fail-on': 'error',
        'update-tag': '7'
      },
      asGiven
    )
    const result = await runPipeline(last, host)
    expect(result.entries.map((entry) => [entry.image, entry.status]).sort()).toEqual([
      ['local://vitkhab/serverless:3.40.0-22', 'ok'],
      ['registry.example.test/example/app:1.2.3', 'ok']
    ])
    expect(result.errors).toEqual([])
  })

  it('warns when the artifact service refuses the upload, and still publishes everything else', async () => {
    const asked: string[] = []
    const refusing = createServer((request, response) => {
      asked.push(request.url ?? '')
      response
        .writeHead(403, { 'content-type': 'application/json' })
        .end('{"code":"permission_denied","msg":"artifact storage quota has been hit"}')
    })
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve))
    // The runtime token's scope names the run and job, as the runner's does; @actions/artifact reads it.
    const claims = { scp: 'Actions.Results:ce7f54c7-61c7-4aae-887f-30da475f5f1a:ca395085-040a-526b-2ce8-bdc85f692774' }
    const token = ['{"alg":"HS256"}', JSON.stringify(claims), 'signature'].map((part) => Buffer.from(part).toString('base64url')).join('.')
    const result = await runAction(
      { reports: ECR, 'output-dir': outputDir, 'fail-on': 'none', comment: 'never' },
      {
        ACTIONS_RUNTIME_TOKEN: token,
        ACTIONS_RESULTS_URL: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/`,
        GITHUB_RUN_ID: '1'
      }
    ).finally(() => refusing.close())
    expect(asked).toEqual(['/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /::warning::Artifact upload of scout-graph-\S+ failed: .*\(403\) Forbidden: artifact storage quota has been hit/
    )
    expect(result.stdout).not.toContain(token)
    expect(result.outputs['artifact-id']).toBeUndefined()
    expect(result.outputs['outdated-count']).toBe('1')
    expect(result.summary).toContain('**1** image(s)')
  })

  it('keeps a report read from the output folder itself in place, without a second copy beside it', async () => {
    await mkdir(path.join(outputDir, 'reports'), { recursive: true })
    const mine = path.join(outputDir, 'reports', 'mine.txt')
    await writeFile(mine, await readFile(ECR))
    const settings = await buildSettings({ reports: mine, 'output-dir': outputDir, 'fail-on': 'none', 'update-tag': '7' }, asGiven)
    await runPipeline(settings, host)
    expect(await readdir(path.join(outputDir, 'reports'))).toEqual(['mine.txt'])
    const manifest = JSON.parse(await readFile(path.join(outputDir, 'scout-graph-leg.json'), 'utf8'))
    expect(manifest.reports).toEqual([{ image: 'registry.example.test/example/app:1.2.3', file: 'reports/mine.txt' }])
  })

  it('reads a report once when reports: and legs: both reach it, taking only the newest attempt', async () => {
    const legs = await mkdtemp(path.join(os.tmpdir(), 'sg-legs-twice-'))
    for (const [attempt, report] of [
      [1, ECR],
      [2, NODE22]
    ] as const) {
      const dir = path.join(legs, `attempt-${attempt}`)
      await mkdir(path.join(dir, 'reports'), { recursive: true })
      await writeFile(path.join(dir, 'reports', 'r.txt'), await readFile(report))
      const manifest = {
        schema: 'scout-graph-leg/1',
        shard: { index: 1, count: 1 },
        runAttempt: attempt,
        updateTag: 7,
        reports: [{ image: `img${attempt}`, file: 'reports/r.txt' }],
        failed: [],
        noBaseImage: []
      }
      await writeFile(path.join(dir, 'scout-graph-leg.json'), JSON.stringify(manifest))
    }
    const settings = await buildSettings(
      {
        reports: [path.join(legs, 'attempt-1', 'reports', 'r.txt'), path.join(legs, 'attempt-2', 'reports', 'r.txt')].join('\n'),
        legs: [path.join(legs, 'attempt-1', 'scout-graph-leg.json'), path.join(legs, 'attempt-2', 'scout-graph-leg.json')].join('\n'),
        'output-dir': outputDir,
        'fail-on': 'none',
        'update-tag': '7'
      },
      asGiven
    )
    const result = await runPipeline(settings, host)
    expect(result.entries.map((entry) => entry.image)).toEqual(['img2'])
  })

  it('skips a FIFO matched by reports with a warning instead of waiting on it forever', async () => {
    const fifo = path.join(outputDir, 'pipe.txt')
    const made = await finished('mkfifo', [fifo], process.env)
    expect(made.code).toBe(0)
    const settings = await buildSettings(
      { reports: [fifo, ECR].join('\n'), 'output-dir': path.join(outputDir, 'out'), 'fail-on': 'none' },
      asGiven
    )
    const result = await runPipeline(settings, host)
    expect(result.entries).toHaveLength(1)
    expect(logs.some((line) => line.startsWith('warning:') && line.includes('pipe.txt') && line.includes('not a regular file'))).toBe(true)
  })

  it('fails a run that read nothing (every matched file skipped)', async () => {
    const fifo = path.join(outputDir, 'only.txt')
    await finished('mkfifo', [fifo], process.env)
    const settings = await buildSettings({ reports: fifo, 'output-dir': path.join(outputDir, 'out'), 'fail-on': 'none' }, asGiven)
    const result = await runPipeline(settings, host)
    expect(result.errors).toEqual(['nothing was read: no report among the 1 file(s) matched'])
  })

  it('fails a run whose pattern matched only files that are not reports (a wrong path), and copies none of them', async () => {
    const out = path.join(outputDir, 'out')
    const notes = path.join(CARTOGRAPHY, 'SOURCE.md')
    const settings = await buildSettings({ reports: [notes, path.join(CARTOGRAPHY, 'expected.md')].join('\n'), 'output-dir': out }, asGiven)
    const result = await runPipeline(settings, host)
    expect(result.entries.map((entry) => entry.status)).toEqual(['not-a-report', 'not-a-report'])
    expect(result.errors).toEqual(['nothing was read: no report among the 2 file(s) matched'])
    expect(await readdir(path.join(out, 'reports'))).toEqual([])
  })
})

describe('hostile inputs', () => {
  it('refuses registry:// with nothing after it, and an output-dir that is a file (CLI exit 2)', async () => {
    for (const images of ['registry://', 'registry:///', 'local://']) {
      await expect(buildSettings({ images }, asGiven)).rejects.toThrow(/^images: image reference .* names nothing after/)
    }
    const file = path.join(outputDir, 'a-file')
    await writeFile(file, 'x')
    await expect(buildSettings({ reports: ECR, 'output-dir': file }, asGiven)).rejects.toThrow(
      /^output-dir: .* exists and is not a directory$/
    )
    const cli = await finished(
      process.execPath,
      [path.join(ROOT, 'bin', 'scout-graph.js'), '--reports', ECR, '--output-dir', file],
      process.env
    )
    expect(cli.code).toBe(2)
    expect(cli.stderr).toMatch(/output-dir: .* exists and is not a directory/)
  })

  it('says why, even when an error has no message (an Azure RestError with only a status code)', () => {
    expect(errorLine(Object.assign(new Error(''), { name: 'RestError', statusCode: 503 }))).toBe('RestError, HTTP 503 (no message)')
    expect(errorLine(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('code ECONNRESET (no message)')
    expect(errorLine(new Error(''))).toBe('Error (no message)')
    expect(errorLine(undefined)).toBe('undefined (no message)')
  })

  it('removes URI user information of any shape', () => {
    expect(redact('bolt://neo4j:p@ss/w#rd@db:7687 failed')).toBe('bolt://***@db:7687 failed')
    expect(redact('registry://node@sha256:abc')).toBe('registry://node@sha256:abc')
  })
})

describe('a canary secret, searched in everything the run writes', () => {
  const canary = 'Cn4ry-s3cr3t-Xw'
  /** The runner reads `::add-mask::` and never shows it: what a log shows is the rest. */
  const shown = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
  const shapes = [
    `bolt://neo4j:${canary}@db:notaport`,
    `bolt://neo4j:${canary}@`,
    `bolt://neo4j:${canary}@[::1`,
    `neo4j://${canary}@db.example.test:7687`,
    `bolt://neo4j:${canary} with space@db:7687`
  ]
  for (const uri of shapes) {
    it(`a malformed neo4j-uri (${uri.replace(canary, 'SECRET')}) fails without echoing the password`, async () => {
      // The password sits only in the URI: no mask protects it, only what the action says.
      const result = await runAction({ reports: ECR, 'neo4j-uri': uri }, { RUNNER_DEBUG: '1' })
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/::error::neo4j-uri: /)
      expect(`${shown(result.stdout)}${result.stderr}${result.summary}${JSON.stringify(result.outputs)}`).not.toContain(canary)
      for (const [file, text] of await allFiles(result.temp)) expect(text, file).not.toContain(canary)
    })
  }

  for (const uri of [`s3://AKIAEXAMPLE:${canary}@bucket/prefix`, `s3://${canary}@`, `s3://x:${canary}@b/p with space`]) {
    it(`a junk s3-uri (${uri.replace(canary, 'SECRET')}) fails without echoing the credential, on the CLI too`, async () => {
      const result = await runAction({ reports: ECR, 's3-uri': uri })
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/::error::s3-uri: /)
      expect(`${result.stdout}${result.stderr}`).not.toContain(canary)
      const cli = await finished(
        process.execPath,
        [path.join(ROOT, 'bin', 'scout-graph.js'), '--reports', ECR, '--s3-uri', uri],
        process.env
      )
      expect(cli.code).toBe(2)
      expect(`${cli.stdout}${cli.stderr}`).not.toContain(canary)
    })
  }

  it('a scan run with every secret set leaks none into outputs, logs, reports, summary or Scout', async () => {
    const result = await runAction(
      {
        images: 'app:1,missing:2',
        'dockerhub-user': 'hubuser',
        'dockerhub-password': `${canary}-hub`,
        'neo4j-password': `${canary}-neo`,
        'github-token': `${canary}-gh`,
        'fail-on': 'none'
      },
      { PATH: process.env.PATH, DOCKER_SCOUT_FAKE_STATE: state, GITHUB_TOKEN: `${canary}-env` }
    )
    expect(result.code).toBe(0)
    for (const [file, text] of await allFiles(result.temp)) expect(text, file).not.toContain(canary)
    expect(`${shown(result.stdout)}${result.stderr}${result.summary}`).not.toContain(canary)
    const [call] = await calls()
    expect(call.fullEnv.DOCKER_SCOUT_HUB_PASSWORD).toBe(`${canary}-hub`)
    const others = Object.entries(call.fullEnv).filter(([name]) => name !== 'DOCKER_SCOUT_HUB_PASSWORD')
    expect(others.filter(([, value]) => value.includes(canary))).toEqual([])
  })
})
