import { mkdtemp, readFile, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { readScannedReports } from '../../src/collect/reports.js'
import { scanImages } from '../../src/scan/scan.js'
import { reportFileName } from '../../src/types/report-names.js'
import { buildSettings } from '../../src/settings/index.js'
import { FAKE_DOCKER } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'

let state: string
let outputDir: string
const recorded = recordingHost()
const { host, lines: logs } = recorded

beforeEach(async () => {
  state = await mkdtemp(path.join(os.tmpdir(), 'sg-docker-'))
  outputDir = await mkdtemp(path.join(os.tmpdir(), 'sg-out-'))
  process.env.PATH = `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`
  process.env.DOCKER_SCOUT_FAKE_STATE = state
  recorded.clear()
})

async function scan(images: string[], extra: Record<string, string> = {}) {
  const settings = await buildSettings(
    { images: images.join(','), 'output-dir': outputDir, ...extra },
    { env: {}, matchReports: async () => [], now: Date.now }
  )
  // The scan stage, then the report stage reading what Scout wrote, as the pipeline runs them.
  const outcomes = await readScannedReports(await scanImages(settings, host, { retryBaseMs: 10 }), outputDir)
  return Object.fromEntries(outcomes.map((outcome) => [outcome.image, outcome]))
}

/** Running, not gone or a zombie waiting for a parent (where PID 1 does not reap) to collect it. */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
}

async function calls(): Promise<{ args: string[]; image: string; env: Record<string, string> }[]> {
  const text = await readFile(path.join(state, 'calls.jsonl'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
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
    const made = await calls()
    expect(made).toHaveLength(2)
    const first = made.find((call) => call.image === 'app:1')
    expect(first?.args).toEqual([
      'scout',
      'recommendations',
      '--output',
      path.join(outputDir, 'reports', reportFileName('app:1')),
      '--platform',
      'linux/arm64',
      '--tag',
      '25-alpine',
      '--org',
      'acme',
      '--only-update',
      'app:1'
    ])
    expect(await readFile(path.join(outputDir, 'reports', reportFileName('app:1').replace('.txt', '.log')), 'utf8')).toContain(
      'SBOM of image already cached'
    )
  })

  it('passes --only-refresh when asked', async () => {
    await scan(['app:1'], { 'only-refresh': 'true' })
    const [call] = await calls()
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
    const attempts = (image: string) => calls().then((made) => made.filter((call) => call.image === image).length)
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
    const pids = (await readFile(path.join(state, 'slow-pids'), 'utf8')).split(' ').map(Number)
    await new Promise((resolve) => setTimeout(resolve, 200))
    for (const pid of pids) expect(await isRunning(pid), `process ${pid} still runs`).toBe(false)
  })

  it('gives credentials to scout through its environment only, and keeps them out of every file', async () => {
    await scan(['auth:1', 'ok:1'], { 'dockerhub-user': 'octo', 'dockerhub-password': 's3cret-pat', 'registry-password': 'reg-pw' })
    for (const call of await calls()) {
      expect(call.env).toMatchObject({
        DOCKER_SCOUT_HUB_USER: 'octo',
        DOCKER_SCOUT_HUB_PASSWORD: 's3cret-pat',
        DOCKER_SCOUT_REGISTRY_PASSWORD: 'reg-pw'
      })
      expect(call.env.DOCKER_SCOUT_CACHE_DIR).toContain(path.join(outputDir, '.scout-cache'))
      expect(call.args.join(' ')).not.toMatch(/s3cret-pat|reg-pw/)
    }
    for (const name of await readdir(path.join(outputDir, 'reports'))) {
      expect(await readFile(path.join(outputDir, 'reports', name), 'utf8')).not.toMatch(/s3cret-pat|reg-pw/)
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
