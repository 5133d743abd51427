/**
 * Scan orchestration: 200 images whose scan takes 50 ms each, at concurrency 1, 4 and 8, against the
 * ideal (200 × 50 ms / concurrency). A shell script plays `docker` (bench/fast-docker) so that what is
 * measured is the action: spawning, files, parsing, bookkeeping. Run with `npm run bench:scan`.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import pLimit from 'p-limit'
import { scanImages } from '../src/scan/scan.js'
import { buildSettings } from '../src/settings/index.js'
import { quietHost } from '../__tests__/kit/host.js'

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

// Nightly rescans with a kept Scout cache (`--cache-dir`): a cold night, then a warm one in which 20 of the
// 200 images changed (new references: their SBOMs are not in the cache). Goal: the warm scan stage at most a
// fifth of the cold one, and as many indexings as changed images.
for (const concurrency of [1, 4]) {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'sg-scout-cache-bench-'))
  const counted = path.join(cacheDir, '..', `${path.basename(cacheDir)}.indexings`)
  process.env.DOCKER_SCOUT_BENCH_INDEXINGS = counted
  const night = async (list: string[]) => {
    const outputDir = await mkdtemp(path.join(os.tmpdir(), 'sg-scan-bench-'))
    const settings = await buildSettings(
      { images: list.join('\n'), concurrency: String(concurrency), 'output-dir': outputDir },
      { env: {}, matchReports: async () => [], now: Date.now }
    )
    settings.scan.cacheDir = cacheDir
    const start = performance.now()
    await scanImages(settings, quiet)
    const wall = performance.now() - start
    await rm(outputDir, { recursive: true, force: true })
    return wall
  }
  const all = Array.from({ length: IMAGES }, (_, i) => `registry.example.test/app-${i}:1.0`)
  const cold = await night(all)
  await rm(counted, { force: true })
  const warm = await night(all.map((image, i) => (i < 20 ? image.replace(':1.0', ':1.1') : image)))
  const indexings = (await readFile(counted, 'utf8').catch(() => '')).split('\n').filter(Boolean).length
  console.log(
    `kept cache, concurrency ${concurrency}: cold ${(cold / 1000).toFixed(2)} s, warm (20 of ${IMAGES} changed) ${(warm / 1000).toFixed(2)} s ` +
      `(${((warm / cold) * 100).toFixed(0)} % of cold; goal ≤ 20 %); indexings on the warm night: ${indexings} (goal: 20)`
  )
  await rm(cacheDir, { recursive: true, force: true })
  await rm(counted, { force: true })
}
