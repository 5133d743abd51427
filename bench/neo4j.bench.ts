/**
 * The Neo4j push against Cartography's docker_scout sync and against a bare UNWIND … CREATE floor, on
 * one Neo4j 5.26 in one run: N reports (default 10,000) over 500 distinct base images, with one
 * `Image` node per report already present for BUILT_ON to find. Cartography gets the same reports
 * as files; when its run would pass ten minutes it is measured on 2,000 reports and the ratios are
 * printed for that size. Run with `npm run bench:neo4j [-- N [--no-cartography]]` (BENCH_DEBUG=1 prints
 * each statement's time); prints figures, asserts nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import neo4j from 'neo4j-driver'
import { runCartography } from '../__tests__/kit/services/cartography.js'
import { startNeo4j, type TestNeo4j } from '../__tests__/kit/services/neo4j.js'
import { buildDelta, type GraphDelta } from '../src/graph/delta.js'
import { parseReport } from '../src/report/parse.js'
import { pushGraph } from '../src/sinks/neo4j.js'
import { CARTOGRAPHY, fixture } from '../__tests__/kit/helpers.js'
import type { Neo4jSettings } from '../src/types/settings.js'
import { quietHost } from '../__tests__/kit/host.js'
import { loadConsoleCodePages } from '../src/report/decode.js'

// Windows captures are parsed synchronously here: their code-page tables first.
await loadConsoleCodePages()

const REPORTS = Number(process.argv[2] ?? 10_000)
const BASES = 500
const CARTOGRAPHY_CAP_SECONDS = 600
const TAG = 1_700_000_000

const template = fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt').toString('utf8')
const digestOf = (i: number) => (0x100000000000 + i * 7919).toString(16).slice(-12)

/** Report i: its own target and digest, on base `team-(i mod 500)/node:25-alpine`. */
function report(i: number): string {
  return template
    .replace('registry.example.test/example/app:1.2.3', `registry.example.test/app-${i}:1.0`)
    .replace('ecr000000000000', digestOf(i))
    .replace('Base image is  node:25-alpine', `Base image is  registry.example.test/team-${i % BASES}/node:25-alpine`)
}

const quiet = quietHost()

async function seedImages(db: TestNeo4j, count: number): Promise<void> {
  await db.clear()
  // What Cartography's registry modules leave: Image nodes with an id index (Cartography creates it too).
  await db.query('CREATE INDEX IF NOT EXISTS FOR (n:Image) ON (n.id)')
  const images = Array.from({ length: count }, (_, i) => ({ id: `image-${i}`, digest: `sha256:${digestOf(i)}${'0'.repeat(52)}` }))
  await db.query('UNWIND $images AS image CREATE (:Image {id: image.id, _ont_digest: image.digest})', { images })
}

async function seconds(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return (performance.now() - start) / 1000
}

function deltaFor(count: number): GraphDelta {
  const reports = Array.from({ length: count }, (_, i) => ({
    source: `r${String(i).padStart(6, '0')}.txt`,
    parsed: parseReport(report(i))
  }))
  return buildDelta(reports, 'cartography', TAG)
}

/**
 * The same nodes, relationships and properties (bookkeeping included), written with plain CREATE:
 * what no MERGE-based load can beat.
 */
async function floor(db: TestNeo4j, delta: GraphDelta): Promise<number> {
  await seedImages(db, REPORTS)
  await db.query('CREATE INDEX IF NOT EXISTS FOR (n:FloorNode) ON (n.id)')
  await db.query('CALL db.awaitIndexes(60)')
  const stamp = (properties: object) => ({
    ...properties,
    lastupdated: TAG,
    _module_name: 'cartography:docker_scout',
    _module_version: '0'
  })
  const nodes = delta.nodes.map((node) => ({ id: `${node.label} ${node.id}`, properties: stamp(node.properties) }))
  const relationships = delta.relationships.map((rel) => ({
    from: `${rel.from.label} ${rel.from.id}`,
    to: `${rel.to.label} ${rel.to.id}`,
    properties: stamp(rel.properties)
  }))
  const links = delta.imageLinks.map((link, i) => ({
    from: `image-${i}`,
    to: `${link.to.label} ${link.to.id}`,
    properties: stamp(link.properties)
  }))
  const session = db.driver.session()
  try {
    return await seconds(() =>
      session.executeWrite(async (tx) => {
        await tx.run('UNWIND $rows AS row CREATE (n:FloorNode {id: row.id}) SET n += row.properties', { rows: nodes })
        await tx.run('UNWIND $rows AS row MATCH (a:FloorNode {id: row.from}), (b:FloorNode {id: row.to}) CREATE (a)-[:FLOOR]->(b)', {
          rows: relationships
        })
        await tx.run('UNWIND $rows AS row MATCH (a:Image {id: row.from}), (b:FloorNode {id: row.to}) CREATE (a)-[:FLOOR]->(b)', {
          rows: links
        })
      })
    )
  } finally {
    await session.close()
  }
}

async function main(): Promise<void> {
  const db = await startNeo4j()
  const folder = await mkdtemp(path.join(os.tmpdir(), 'sg-bench-'))
  try {
    const target: Neo4jSettings = { uri: db.uri, user: db.user, password: db.password, cleanup: false, retrySeconds: 60 }
    const parseStart = performance.now()
    const delta = deltaFor(REPORTS)
    const parseSeconds = (performance.now() - parseStart) / 1000
    console.log(
      `data: ${REPORTS} reports over ${BASES} bases, ${REPORTS} Image nodes → ${delta.nodes.length} nodes, ` +
        `${delta.relationships.length} relationships, ${delta.imageLinks.length} BUILT_ON links (parse + delta: ${parseSeconds.toFixed(2)} s)`
    )

    // Warm the server's JIT once, so neither contender pays for it.
    await seedImages(db, REPORTS)
    await pushGraph(deltaFor(200), target, false, quiet)

    // The schema objects are created once per database; every later run finds them.
    await seedImages(db, REPORTS)
    const schema = await seconds(() => pushGraph(buildDelta([], 'cartography', TAG), target, false, quiet))
    const first = await seconds(() => pushGraph(delta, target, false, quiet))
    const second = await seconds(() => pushGraph(delta, target, false, quiet))
    console.log(`schema objects on a new database (constraints, indexes, waiting for them): ${schema.toFixed(2)} s, once`)
    const floorSeconds = await floor(db, delta)
    console.log(`this action: first push ${first.toFixed(2)} s, second (unchanged) push ${second.toFixed(2)} s`)
    console.log(
      `floor (UNWIND … CREATE, same nodes, relationships and properties): ${floorSeconds.toFixed(2)} s → ` +
        `first push/floor ${(first / floorSeconds).toFixed(2)}×, second push/floor ${(second / floorSeconds).toFixed(2)}×`
    )

    if (process.argv.includes('--no-cartography')) return
    // Cartography: first on 2,000 reports; on all of them only if that would stay under ten minutes.
    const small = Math.min(2000, REPORTS)
    const cartographyOn = async (count: number): Promise<number> => {
      await rm(folder, { recursive: true, force: true })
      await mkdir(folder, { recursive: true })
      await Promise.all(
        Array.from({ length: count }, (_, i) => writeFile(path.join(folder, `r${String(i).padStart(6, '0')}.txt`), report(i)))
      )
      await seedImages(db, REPORTS)
      return seconds(() => runCartography(db, folder, TAG))
    }
    const smallCartography = await cartographyOn(small)
    let compared = small
    let cartography = smallCartography
    if (REPORTS > small && (smallCartography * REPORTS) / small < CARTOGRAPHY_CAP_SECONDS) {
      cartography = await cartographyOn(REPORTS)
      compared = REPORTS
    }
    let ours = first
    if (compared !== REPORTS) {
      await seedImages(db, REPORTS)
      await pushGraph(buildDelta([], 'cartography', TAG), target, false, quiet)
      ours = await seconds(() => pushGraph(deltaFor(compared), target, false, quiet))
      console.log(
        `Cartography on ${REPORTS} would need about ${Math.round((smallCartography * REPORTS) / small)} s (over ten minutes): compared on ${compared} reports`
      )
    }
    console.log(`Cartography docker_scout sync, ${compared} reports: ${cartography.toFixed(2)} s (process start included)`)
    console.log(
      `this action, ${compared} reports: ${ours.toFixed(2)} s → ${(cartography / ours).toFixed(1)}× faster than Cartography ` +
        `(${(cartography / (ours + schema)).toFixed(1)}× counting the one-time schema setup)`
    )
    const count = await db.query('MATCH (n:DockerScoutPublicImage|DockerScoutPublicImageTag) RETURN count(n) AS n')
    console.log(`(graph after Cartography: ${neo4j.integer.toNumber(count[0].n as number)} Docker Scout nodes)`)
  } finally {
    await rm(folder, { recursive: true, force: true })
    await db.stop()
  }
}

await main()
