/**
 * A real Neo4j 5.26 for a test file: the embedded launcher in test-services/neo4j, on a free port of
 * 127.0.0.1, with a throwaway data folder. `scripts/provision.sh` resolved its classpath.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import neo4j, { type Driver } from 'neo4j-driver'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { ROOT } from '../helpers.js'
import { freePort } from '../http.js'

export interface TestNeo4j {
  uri: string
  user: string
  password: string
  driver: Driver
  /** Runs one auto-commit query and returns its records as plain objects. */
  query(text: string, parameters?: Record<string, unknown>): Promise<Record<string, unknown>[]>
  clear(): Promise<void>
  /** Kills the server at once (SIGKILL), as a crash or a lost machine would. */
  kill(): Promise<void>
  /** Starts it again on the same port and data. */
  restart(): Promise<void>
  stop(): Promise<void>
}

const CLASSPATH = path.join(ROOT, '.cache', 'neo4j-classpath.txt')
const LAUNCHER = path.join(ROOT, 'test-services', 'neo4j', 'TestNeo4j.java')

function ensureProvisioned(): void {
  if (existsSync(CLASSPATH)) return
  const result = spawnSync('bash', [path.join(ROOT, 'scripts', 'provision.sh')], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error('scripts/provision.sh failed')
}

export async function startNeo4j(): Promise<TestNeo4j> {
  ensureProvisioned()
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'scout-graph-neo4j-'))
  const port = await freePort()
  const password = `test-${Math.random().toString(36).slice(2)}`
  const uri = `bolt://127.0.0.1:${port}`
  let child: ChildProcess | undefined

  const launch = async (): Promise<void> => {
    const process_ = spawn('java', ['-Xmx2g', '-cp', readFileSync(CLASSPATH, 'utf8').trim(), LAUNCHER, dataDir, String(port), password], {
      stdio: ['ignore', 'pipe', 'pipe']
    })
    child = process_
    let log = ''
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        log += chunk.toString()
        if (log.includes('READY')) resolve()
      }
      process_.stdout?.on('data', onData)
      process_.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
      process_.on('exit', (code) => reject(new Error(`Neo4j exited with ${code} before it was ready:\n${log.slice(-3000)}`)))
    })
  }
  const exited = (): Promise<void> =>
    new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve()
      else child.once('exit', () => resolve())
    })

  await launch()
  let driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', password))
  const service: TestNeo4j = {
    uri,
    user: 'neo4j',
    password,
    get driver() {
      return driver
    },
    async query(text, parameters = {}) {
      const result = await driver.executeQuery(text, parameters)
      return result.records.map((record) => record.toObject())
    },
    async clear() {
      await driver.executeQuery('MATCH (n) DETACH DELETE n')
      for (const { name } of await service.query('SHOW CONSTRAINTS YIELD name'))
        await driver.executeQuery(`DROP CONSTRAINT \`${String(name)}\``)
      for (const { name } of await service.query("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'")) {
        await driver.executeQuery(`DROP INDEX \`${String(name)}\` IF EXISTS`)
      }
    },
    async kill() {
      child?.kill('SIGKILL')
      await exited()
    },
    async restart() {
      await driver.close()
      await launch()
      driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', password))
    },
    async stop() {
      await driver.close()
      child?.kill('SIGTERM')
      await exited()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
  return service
}

/** A node or relationship property as JSON can hold it: Neo4j integers as numbers, marked so FLOAT stays distinct. */
function plain(value: unknown): unknown {
  if (neo4j.isInt(value)) return { int: value.toNumber() }
  if (Array.isArray(value)) return value.map(plain)
  if (typeof value === 'number') return { float: value }
  return value
}

export interface CanonicalGraph {
  nodes: string[]
  relationships: string[]
}

/**
 * Every node and relationship of the graph as sorted JSON lines: labels, properties (integers kept
 * apart from floats), relationship ends by label and id. `firstseen` and `_module_version` differ
 * between writers by design and are left out.
 */
export async function canonicalGraph(db: TestNeo4j): Promise<CanonicalGraph> {
  const ignored = new Set(['firstseen', '_module_version'])
  const properties = (map: Record<string, unknown>) =>
    Object.fromEntries(
      Object.keys(map)
        .filter((key) => !ignored.has(key))
        .sort()
        .map((key) => [key, plain(map[key])])
    )
  const nodes = await db.query('MATCH (n) RETURN labels(n) AS labels, properties(n) AS properties')
  const relationships = await db.query(
    `MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS properties,
       labels(a) AS fromLabels, a.id AS fromId, labels(b) AS toLabels, b.id AS toId`
  )
  return {
    nodes: nodes
      .map((node) =>
        JSON.stringify({ labels: (node.labels as string[]).sort(), properties: properties(node.properties as Record<string, unknown>) })
      )
      .sort(),
    relationships: relationships
      .map((rel) =>
        JSON.stringify({
          type: rel.type,
          from: [(rel.fromLabels as string[]).sort(), plain(rel.fromId)],
          to: [(rel.toLabels as string[]).sort(), plain(rel.toId)],
          properties: properties(rel.properties as Record<string, unknown>)
        })
      )
      .sort()
  }
}

/**
 * One Neo4j for a test file: started before its tests (`started` receives it), emptied before each
 * test, stopped after the last.
 */
export function useNeo4j(started: (db: TestNeo4j) => void): void {
  let db: TestNeo4j | undefined
  beforeAll(async () => {
    db = await startNeo4j()
    started(db)
  })
  afterAll(async () => {
    await db?.stop()
  })
  beforeEach(async () => {
    await db?.clear()
  })
}
