import { mkdir, mkdtemp, readFile, readdir, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { readScannedReports } from '../../src/collect/reports.js'
import { cacheFolderOf, scanImages } from '../../src/scan/scan.js'
import { scanStage } from '../../src/stages/scan.js'
import { RunLedger } from '../../src/ledger.js'
import { reportFileName } from '../../src/types/report-names.js'
import { buildSettings } from '../../src/settings/index.js'
import { childEnvironment } from '../../src/scan/child-env.js'
import { CARTOGRAPHY, NO_HUB } from '../kit/helpers.js'
import { cliInProcess } from '../kit/cli.js'
import { useFakeDocker } from '../kit/fake-scout.js'
import { recordingHost } from '../kit/host.js'

const ECR = path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt')
const docker = useFakeDocker()
const recorded = recordingHost()
const { host, lines: logs } = recorded

beforeEach(() => recorded.clear())

async function scan(images: string[], extra: Record<string, string> = {}) {
  const settings = await buildSettings(
    { images: images.join(','), 'output-dir': docker.outputDir(), ...extra },
    { env: {}, matchReports: async () => [], now: Date.now }
  )
  // The scan stage, then the report stage reading what Scout wrote, as the pipeline runs them.
  const outcomes = await readScannedReports(await scanImages(settings, host, { retryBaseMs: 10 }), docker.outputDir())
  return Object.fromEntries(outcomes.map((outcome) => [outcome.image, outcome]))
}

/** Running, not gone or a zombie waiting for a parent (where PID 1 does not reap) to collect it. */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
}

describe('scanning with docker scout', () => {
  it('scans each image once, passes the contract arguments, and parses the report', async () => {
    const result = await scan(['app:1', 'app:1', 'registry://ghcr.io/o/node22:2'], {
      platform: 'linux/arm64',
      tag: '25-alpine',
      org: 'acme',
      'only-update': 'true'
    })
    expect(Object.keys(result)).toEqual(['app:1', 'registry://ghcr.io/o/node22:2'])
    expect(result['app:1'].parsed?.base?.tag).toBe('25-alpine')
    expect(result['registry://ghcr.io/o/node22:2'].parsed?.target).toBe('local://vitkhab/serverless:3.40.0-22')
    const made = await docker.calls()
    expect(made).toHaveLength(2)
    const first = made.find((call) => call.image === 'app:1')
    expect(first?.args).toEqual([
      'scout',
      'recommendations',
      '--output',
      path.join(docker.outputDir(), 'reports', reportFileName('app:1')),
      '--platform',
      'linux/arm64',
      '--tag',
      '25-alpine',
      '--org',
      'acme',
      '--only-update',
      'app:1'
    ])
    expect(await readFile(path.join(docker.outputDir(), 'reports', reportFileName('app:1').replace('.txt', '.log')), 'utf8')).toContain(
      'Indexed 184 packages'
    )
  })

  it('passes --only-refresh when asked', async () => {
    await scan(['app:1'], { 'only-refresh': 'true' })
    const [call] = await docker.calls()
    expect(call.args.slice(4)).toEqual(['--only-refresh', 'app:1'])
  })

  it('recognises each failure, keeps going for the others, and retries only transient causes', async () => {
    const result = await scan(
      ['ok:1', 'auth:1', 'ratelimit:1', 'flaky:1', 'missing:1', 'nobase:1', 'panic:1', 'weird:1', 'noreport:1', 'garbage:1'],
      { retries: '2' }
    )
    expect(result['ok:1'].parsed?.status).toBe('report')
    expect(result['auth:1'].error).toMatch(/not entitled.*dockerhub-user/)
    expect(result['ratelimit:1'].error).toMatch(/rate limited/)
    expect(result['flaky:1'].parsed?.status).toBe('report')
    expect(result['missing:1'].error).toMatch(/image not found or no access/)
    expect(result['nobase:1']).toMatchObject({ parsed: { status: 'no-base-image' } })
    expect(result['nobase:1'].error).toBeUndefined()
    expect(result['panic:1'].error).toMatch(/Go panic, exit 2/)
    expect(result['weird:1'].error).toMatch(/exited 255/)
    expect(result['noreport:1'].error).toMatch(/wrote no report/)
    expect(result['garbage:1'].error).toMatch(/report cannot be used \(no "Base image is" line/)
    const attempts = (image: string) => docker.calls().then((made) => made.filter((call) => call.image === image).length)
    expect(await attempts('ratelimit:1')).toBe(3)
    expect(await attempts('flaky:1')).toBe(3)
    expect(await attempts('auth:1')).toBe(1)
    expect(await attempts('missing:1')).toBe(1)
    expect(await attempts('panic:1')).toBe(1)
  })

  it('kills a scan past its timeout with its children', async () => {
    const result = await scan(['slow:1', 'ok:2'], { 'timeout-seconds': '1', concurrency: '2' })
    expect(result['slow:1'].error).toMatch(/timed out after 1s/)
    expect(result['ok:2'].parsed?.status).toBe('report')
    const pids = (await readFile(path.join(docker.state(), 'slow-pids'), 'utf8')).split(' ').map(Number)
    await new Promise((resolve) => setTimeout(resolve, 200))
    for (const pid of pids) expect(await isRunning(pid), `process ${pid} still runs`).toBe(false)
  })

  it('gives credentials to scout through its environment only, and keeps them out of every file', async () => {
    await scan(['auth:1', 'ok:1'], { 'dockerhub-user': 'octo', 'dockerhub-password': 's3cret-pat', 'registry-password': 'reg-pw' })
    for (const call of await docker.calls()) {
      expect(call.env).toMatchObject({
        DOCKER_SCOUT_HUB_USER: 'octo',
        DOCKER_SCOUT_HUB_PASSWORD: 's3cret-pat',
        DOCKER_SCOUT_REGISTRY_PASSWORD: 'reg-pw'
      })
      expect(call.env.DOCKER_SCOUT_CACHE_DIR).toContain(path.join(docker.outputDir(), '.scout-cache'))
      expect(call.args.join(' ')).not.toMatch(/s3cret-pat|reg-pw/)
    }
    for (const name of await readdir(path.join(docker.outputDir(), 'reports'))) {
      expect(await readFile(path.join(docker.outputDir(), 'reports', name), 'utf8')).not.toMatch(/s3cret-pat|reg-pw/)
    }
    expect(logs.join('\n')).not.toMatch(/s3cret-pat|reg-pw/)
  })

  it('derives safe, distinct file names inside the output folder', () => {
    const names = ['../../etc/passwd:1', 'a/b:1', 'a_b:1', 'a:b/1', '...', 'oci-dir:///tmp/x'].map(reportFileName)
    expect(new Set(names).size).toBe(names.length)
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$/)
      expect(path.basename(name)).toBe(name)
    }
  })
})

describe('a Scout that fails the ways the real one does', () => {
  it('does not take a panic for a rate limit because a progress line says "429 packages"', async () => {
    const result = await scan(['crash429:1'], { retries: '2' })
    expect(result['crash429:1'].error).toBe('docker scout crashed (Go panic, exit 2)')
    expect((await docker.calls()).filter((call) => call.image === 'crash429:1')).toHaveLength(1)
  })

  it('still retries a real rate limit', async () => {
    const result = await scan(['ratelimit:1'], { retries: '1' })
    expect(result['ratelimit:1'].error).toMatch(/^rate limited: .*toomanyrequests/)
    expect(await docker.calls()).toHaveLength(2)
  })

  it('never reads a report an earlier run left at the path when Scout exits 0 without writing', async () => {
    const reports = path.join(docker.outputDir(), 'reports')
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
    expect(await readFile(path.join(docker.outputDir(), source), 'utf8')).toContain('image not found')
  })

  it('ends a timeout on time when a grandchild left the process group and holds stderr open', async () => {
    const result = await scan(['setsid:1'], { 'timeout-seconds': '1', retries: '0' })
    expect(result['setsid:1'].error).toBe('timed out after 1s (killed with its children)')
    // The grandchild sleeps 300 s with the pipe open: it is still alive, so the scan did not wait for it.
    const grandchild = Number(await readFile(path.join(docker.state(), 'setsid-pid'), 'utf8'))
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
    const [call] = await docker.calls()
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

describe('a Scout cache kept between runs (--cache-dir)', () => {
  const indexings = async () => (await readFile(path.join(docker.state(), 'indexings'), 'utf8').catch(() => '')).split('\n').filter(Boolean)
  const scanKept = async (images: string[], cacheDir: string, extra: Record<string, string> = {}) => {
    const settings = await buildSettings(
      { images: images.join(','), 'output-dir': await mkdtemp(path.join(os.tmpdir(), 'sg-out-')), ...extra },
      { env: {}, matchReports: async () => [], now: Date.now }
    )
    settings.scan.cacheDir = cacheDir
    return scanStage({ settings, host, ledger: new RunLedger() })
  }

  it('indexes only what changed on the next run, whatever the concurrency, and prunes what no run uses', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'sg-scout-cache-'))
    const images = Array.from({ length: 6 }, (_, i) => `app:${i}`)
    await scanKept(images, cache, { concurrency: '3' })
    expect((await indexings()).sort()).toEqual([...images].sort())
    // The next night: the same images and one new one, at another concurrency; only the new one is indexed.
    await scanKept([...images, 'app:new'], cache, { concurrency: '2' })
    expect((await indexings()).slice(images.length)).toEqual(['app:new'])
    // A folder no run used for longer than cache-max-age-days goes; the ones this run used stay.
    const stale = path.join(cache, cacheFolderOf('gone:1'))
    await mkdir(stale)
    await utimes(stale, Date.now() / 1000 - 30 * 86_400, Date.now() / 1000 - 30 * 86_400)
    await scanKept(['app:0'], cache, { 'cache-max-age-days': '14' })
    const kept = await readdir(cache)
    expect(kept).not.toContain(cacheFolderOf('gone:1'))
    expect(kept).toContain(cacheFolderOf('app:0'))
    expect(kept).toHaveLength(7)
    expect(logs.some((line) => /^Scout cache .*: 7 image folder\(s\), 0\.0 MB kept; 1 pruned/.test(line))).toBe(true)
  })

  it('keeps within cache-max-mb, the oldest going first', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'sg-scout-cache-'))
    for (const [name, age] of [
      ['old', 3],
      ['older', 5]
    ] as const) {
      await mkdir(path.join(cache, name))
      await writeFile(path.join(cache, name, 'blob'), Buffer.alloc(700 * 1024))
      await utimes(path.join(cache, name), Date.now() / 1000 - age * 86_400, Date.now() / 1000 - age * 86_400)
    }
    await scanKept(['app:1'], cache, { 'cache-max-mb': '1' })
    expect((await readdir(cache)).sort()).toEqual([cacheFolderOf('app:1'), 'old'].sort())
  })

  it('drops the folder of an image whose Scout crashed, which may be half written, and keeps the others', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'sg-scout-cache-'))
    await scanKept(['app:1', 'panic:1'], cache)
    const kept = await readdir(cache)
    expect(kept).toContain(cacheFolderOf('app:1'))
    expect(kept).not.toContain(cacheFolderOf('panic:1'))
  })

  it('leaves a --cache-dir folder to its owner: on a runner, the Actions cache never empties or restores into it', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'sg-own-cache-'))
    await mkdir(path.join(cache, cacheFolderOf('app:1')))
    await writeFile(path.join(cache, cacheFolderOf('app:1'), 'mine'), 'kept by me')
    const run = await cliInProcess(['--images', 'app:1', '--cache-dir', cache, '--output-dir', docker.outputDir(), '--fail-on', 'none'], {
      ...process.env,
      GITHUB_ACTIONS: 'true',
      ACTIONS_CACHE_URL: 'http://127.0.0.1:9/',
      SCOUT_GRAPH_HUB_REGISTRY: NO_HUB
    })
    expect(run.code, run.stderr).toBe(0)
    expect(await readFile(path.join(cache, cacheFolderOf('app:1'), 'mine'), 'utf8')).toBe('kept by me')
    expect(run.stderr).not.toContain('cache: ')
    expect(run.stderr).toMatch(/Scout cache .*: 1 image folder\(s\)/)
  })
})
