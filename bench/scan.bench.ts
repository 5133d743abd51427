/**
 * Scan orchestration: 200 images whose scan takes 50 ms each, at concurrency 1, 4 and 8, against the
 * ideal (200 × 50 ms / concurrency). A shell script plays `docker` (bench/fast-docker) so that what is
 * measured is the action: spawning, files, parsing, bookkeeping. Run with `npm run bench:scan`.
 */
import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import pLimit from 'p-limit'
import { RunLedger } from '../src/ledger.js'
import { scanImages } from '../src/scan/scan.js'
import { scanStage } from '../src/stages/scan.js'
import { buildSettings } from '../src/settings/index.js'
import { quietHost } from '../__tests__/kit/host.js'
import { startCacheService } from '../__tests__/kit/services/actions-cache.js'

const IMAGES = 200
const SCAN_MS = 50
const root = path.join(import.meta.dirname, '..')
process.env.PATH = `${path.join(root, 'bench', 'fast-docker')}${path.delimiter}${process.env.PATH}`
process.env.DOCKER_SCOUT_BENCH_SCAN_SECONDS = String(SCAN_MS / 1000)
process.env.DOCKER_SCOUT_BENCH_REPORT = path.join(
  root,
  '__tests__',
  'fixtures',
  'cartography-docker-scout',
  'ecr-recommendation-report.txt'
)

const quiet = quietHost()
const fifo = path.join(await mkdtemp(path.join(os.tmpdir(), 'sg-bench-fifo-')), 'never-written')
await promisify(execFile)('mkfifo', [fifo])
process.env.DOCKER_SCOUT_BENCH_FIFO = fifo

/** The stand-in alone, run as often at the same concurrency by a bare spawn loop: what the action cannot go below. */
async function bareLoop(concurrency: number, outputDir: string): Promise<number> {
  const limit = pLimit(concurrency)
  const start = performance.now()
  await Promise.all(
    Array.from({ length: IMAGES }, (_, i) =>
      limit(
        () =>
          new Promise((resolve) =>
            spawn('docker', ['scout', 'recommendations', '--output', path.join(outputDir, `${i}.txt`), `app-${i}`]).on('close', resolve)
          )
      )
    )
  )
  return performance.now() - start
}

const images = Array.from({ length: IMAGES }, (_, i) => `registry.example.test/app-${i}:1.0`).join('\n')
for (const concurrency of [1, 4, 8]) {
  const outputDir = await mkdtemp(path.join(os.tmpdir(), 'sg-scan-bench-'))
  const settings = await buildSettings(
    { images, concurrency: String(concurrency), 'output-dir': outputDir },
    { env: {}, matchReports: async () => [], now: Date.now }
  )
  const start = performance.now()
  const outcomes = await scanImages(settings, quiet)
  const wall = performance.now() - start
  const ideal = (IMAGES * SCAN_MS) / concurrency
  const ok = outcomes.filter((outcome) => outcome.file !== undefined).length
  const bare = await bareLoop(concurrency, outputDir)
  console.log(
    `concurrency ${concurrency}: ${ok}/${IMAGES} reports in ${(wall / 1000).toFixed(2)} s; ideal ${(ideal / 1000).toFixed(2)} s ` +
      `(+${(((wall - ideal) / ideal) * 100).toFixed(1)} %); the stand-in alone, bare spawn loop: ${(bare / 1000).toFixed(2)} s; ` +
      `the action's own cost: ${(wall - bare).toFixed(0)} ms (${((wall - bare) / IMAGES).toFixed(2)} ms per image)`
  )
  await rm(outputDir, { recursive: true, force: true })
}

// Nightly rescans with a kept Scout cache: a cold night, then a warm one on which 20 of the 200 images were
// rebuilt (their tags name new digests). Scout's costs, scaled down 1:100 from a typical hosted runner: indexing
// 300 ms (≈ 30 s: pull and SBOM), the recommendations query 15 ms (≈ 1.5 s), an SBOM of 50 KB. The scan stage is
// measured whole: for the Actions cache, restore, scan, prune and save against the stand-in of GitHub's cache
// service. Goal: the warm night at most a fifth of the cold one, and as many indexings as rebuilt images.
process.env.DOCKER_SCOUT_BENCH_SCAN_SECONDS = '0.3'
process.env.DOCKER_SCOUT_BENCH_QUERY_SECONDS = '0.015'
process.env.DOCKER_SCOUT_BENCH_SBOM = 'x'.repeat(50 * 1024)
const service = await startCacheService()
// The time each log group of the stage takes (restore, scan, keep), to tell the cache's cost from Scout's.
const groups = new Map<string, number>()
const timed = {
  ...quiet,
  group: async <T>(name: string, work: () => Promise<T>) => {
    const start = performance.now()
    try {
      return await work()
    } finally {
      groups.set(name.replace(/\d+ image/, 'N image'), performance.now() - start)
    }
  }
}
const shownGroups = () => [...groups].map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`).join(', ')
const all = Array.from({ length: IMAGES }, (_, i) => `registry.example.test/app-${i}:1.0`)
const rebuilt = all.slice(0, 20).join(',')
for (const kind of ['--cache-dir', 'Actions cache'] as const) {
  for (const concurrency of [1, 4]) {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sg-scout-cache-bench-'))
    const counted = path.join(root, 'indexings')
    process.env.DOCKER_SCOUT_BENCH_INDEXINGS = counted
    let runId = 0
    service.entries.length = 0
    const night = async () => {
      const workspace = path.join(root, 'workspace')
      const env =
        kind === 'Actions cache'
          ? { ...service.env(), GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace, GITHUB_JOB: 'bench', GITHUB_RUN_ID: String(++runId) }
          : {}
      Object.assign(process.env, env)
      await mkdir(workspace, { recursive: true })
      process.chdir(workspace)
      const outputDir = await mkdtemp(path.join(os.tmpdir(), 'sg-scan-bench-'))
      const settings = await buildSettings(
        { images: all.join('\n'), concurrency: String(concurrency), 'output-dir': outputDir },
        { env: process.env, matchReports: async () => [], now: Date.now }
      )
      if (kind === '--cache-dir') settings.scan.cacheDir = path.join(root, 'kept')
      const start = performance.now()
      await scanStage({ settings, host: timed, ledger: new RunLedger() })
      const wall = performance.now() - start
      await rm(outputDir, { recursive: true, force: true })
      for (const name of Object.keys(env)) delete process.env[name]
      // The next night starts on a fresh runner: only what the cache kept is there.
      if (kind === 'Actions cache') await rm(workspace, { recursive: true, force: true })
      return wall
    }
    delete process.env.DOCKER_SCOUT_BENCH_REBUILT
    const cold = await night()
    await rm(counted, { force: true })
    process.env.DOCKER_SCOUT_BENCH_REBUILT = rebuilt
    groups.clear()
    const warm = await night()
    const indexings = (await readFile(counted, 'utf8').catch(() => '')).split('\n').filter(Boolean).length
    console.log(
      `${kind}, concurrency ${concurrency}: cold ${(cold / 1000).toFixed(2)} s, warm (20 of ${IMAGES} rebuilt) ${(warm / 1000).toFixed(2)} s ` +
        `(${((warm / cold) * 100).toFixed(0)} % of cold; goal ≤ 20 %); indexings on the warm night: ${indexings} (goal: 20); ` +
        `warm night by group: ${shownGroups()}`
    )
    process.chdir(root)
    await rm(root, { recursive: true, force: true })
  }
}
await service.close()
