/**
 * The sharded matrix at scale: 1,000 images whose scan takes a fixed time (bench/fast-docker), over
 * 1, 4 and 16 legs (processes of dist/index.js, in parallel, pushing to one real Neo4j), then the last
 * job (manifests, one summary, cleanup), against one job doing everything. Run with
 * `npm run bench:matrix [-- IMAGES SCAN_MS]`; prints figures, asserts nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { finished } from '../__tests__/kit/helpers.js'
import { startNeo4j, type TestNeo4j } from '../__tests__/kit/services/neo4j.js'

const IMAGES = Number(process.argv[2] ?? 1000)
const SCAN_MS = Number(process.argv[3] ?? 50)
const root = path.join(import.meta.dirname, '..')
const TAG = Math.floor(Date.now() / 1000)

async function runJob(db: TestNeo4j, work: string, inputs: Record<string, string>): Promise<number> {
  const dir = await mkdtemp(path.join(work, 'runner-'))
  await writeFile(path.join(dir, 'output'), '')
  await writeFile(path.join(dir, 'summary.md'), '')
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.join(root, 'bench', 'fast-docker')}${path.delimiter}${process.env.PATH}`,
    HOME: process.env.HOME,
    BENCH_SCAN_SECONDS: String(SCAN_MS / 1000),
    BENCH_REPORT: path.join(root, '__tests__', 'fixtures', 'cartography-docker-scout', 'ecr-recommendation-report.txt'),
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    GITHUB_RUN_ATTEMPT: '1'
  }
  const all = {
    'neo4j-uri': db.uri,
    'neo4j-password': db.password,
    'update-tag': String(TAG),
    comment: 'never',
    'fail-on': 'none',
    ...inputs
  }
  for (const [name, value] of Object.entries(all)) env[`INPUT_${name.toUpperCase()}`] = value
  const start = performance.now()
  const result = await finished(process.execPath, [path.join(root, 'dist', 'index.js')], env)
  if (result.code !== 0) throw new Error(`a job failed:\n${result.stdout.slice(-2000)}`)
  return (performance.now() - start) / 1000
}

async function main(): Promise<void> {
  const db = await startNeo4j()
  const work = await mkdtemp(path.join(os.tmpdir(), 'sg-matrix-bench-'))
  try {
    const imagesFile = path.join(work, 'images.txt')
    await writeFile(imagesFile, Array.from({ length: IMAGES }, (_, i) => `registry.example.test/team-${i}/app:1`).join('\n'))
    console.log(
      `${IMAGES} images, ${SCAN_MS} ms per scan, concurrency 1 per job; ideal scan time for one job ${((IMAGES * SCAN_MS) / 1000).toFixed(1)} s`
    )

    await db.clear()
    const single = await runJob(db, work, { 'images-file': imagesFile, cleanup: 'true', 'output-dir': path.join(work, 'single') })
    console.log(`one job doing everything: ${single.toFixed(1)} s`)

    for (const legs of [1, 4, 16]) {
      await db.clear()
      const legDir = path.join(work, `legs-${legs}`)
      await mkdir(legDir)
      const started = performance.now()
      const legTimes = await Promise.all(
        Array.from({ length: legs }, (_, i) =>
          runJob(db, work, {
            'images-file': imagesFile,
            shard: `${i + 1}/${legs}`,
            summary: 'false',
            'output-dir': path.join(legDir, `leg-${i + 1}`)
          })
        )
      )
      const legsWall = (performance.now() - started) / 1000
      const last = await runJob(db, work, {
        legs: path.join(legDir, '*', 'scout-graph-leg.json'),
        cleanup: 'true',
        'output-dir': path.join(legDir, 'last')
      })
      const total = legsWall + last
      console.log(
        `${String(legs).padStart(2)} leg(s): slowest leg ${Math.max(...legTimes).toFixed(1)} s (all legs ${legsWall.toFixed(1)} s) + last job ${last.toFixed(1)} s ` +
          `= ${total.toFixed(1)} s; speed-up ${(single / total).toFixed(2)}× against one job (ideal ${legs}×); last job ${((last / total) * 100).toFixed(1)} % of the total`
      )
    }
  } finally {
    await rm(work, { recursive: true, force: true })
    await db.stop()
  }
}

await main()
