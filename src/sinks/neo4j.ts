/**
 * Pushes the graph delta into Neo4j: the schema objects, then the whole delta in one write
 * transaction (batched UNWIND statements generated from the schema), then, when asked and allowed,
 * Cartography's cleanup. The driver is loaded only when a push happens and closed on every path.
 */
import type { Driver, Integer, ManagedTransaction, Session } from 'neo4j-driver'
import {
  CANONICAL_IMAGES,
  NON_CANONICAL_IMAGES,
  RECOMMENDATION_CHANGES,
  cleanupStatements,
  schemaObjects,
  upsertStatements,
  type Statement
} from '../graph/cypher.js'
import type { GraphDelta, Properties } from '../graph/delta.js'
import { MODULE_NAME, PUBLIC_IMAGE } from '../graph/schema.js'
import type { Host } from '../host.js'
import { errorLine, redact, WordedError } from '../messages.js'
import type { BaseChange } from '../types/graph-change.js'
import type { Neo4jSettings } from '../types/settings.js'
import { loadCommonJs } from '../util/load.js'
import { VERSION } from '../version.js'

export interface PushResult {
  nodesCreated: number
  relationshipsCreated: number
  propertiesSet: number
  /** Undefined when the update tag is not a recent time (then "before" cannot be told apart). */
  changes?: BaseChange[]
  /** Elements removed by cleanup; undefined when cleanup did not run. */
  deleted?: number
}

/** A push failed; the message is one line, names the cause, and never holds the password. */
/** Cypher's `CALL (x) { … }` and the cleanup Cartography generates need Neo4j 5.23 or later. */
const MINIMUM_SERVER = [5, 23] as const
const ROWS_PER_STATEMENT = 5000
const CLEANUP_BATCH = 10_000

/** Loaded on first push only: most runs never talk to Neo4j, and the driver is the largest dependency. */
const loadDriver = () => loadCommonJs(() => import('neo4j-driver'))
type Neo4jModule = Awaited<ReturnType<typeof loadDriver>>

export async function pushGraph(delta: GraphDelta, settings: Neo4jSettings, runCleanup: boolean, host: Host): Promise<PushResult> {
  const neo4j = await loadDriver()
  let driver: Driver | undefined
  let session: Session | undefined
  try {
    driver = neo4j.driver(settings.uri, neo4j.auth.basic(settings.user, settings.password), {
      maxTransactionRetryTime: settings.retrySeconds * 1000,
      connectionTimeout: 15_000,
      connectionAcquisitionTimeout: 60_000,
      userAgent: `scout-graph-action/${VERSION}`
    })
    const server = await driver.getServerInfo(settings.database ? { database: settings.database } : {})
    const tooOld = serverTooOld(server.agent)
    if (tooOld) throw new WordedError(tooOld)
    host.info(`Connected to ${server.agent ?? 'Neo4j'} at ${settings.uri}`)
    session = driver.session({ defaultAccessMode: neo4j.session.WRITE, ...(settings.database ? { database: settings.database } : {}) })

    const schemaStarted = performance.now()
    await ensureSchema(session, host)
    host.debug(`Schema objects checked in ${Math.round(performance.now() - schemaStarted)} ms`)
    const result = await writeDelta(neo4j, session, delta, host)
    host.info(
      `Pushed ${delta.nodes.length} node(s), ${delta.relationships.length} relationship(s) and ${delta.imageLinks.length} digest link(s): ` +
        `${result.nodesCreated} node(s) and ${result.relationshipsCreated} relationship(s) created, ${result.propertiesSet} properties set`
    )
    result.changes = await readChanges(neo4j, session, delta)
    if (runCleanup) {
      result.deleted = await cleanup(neo4j, session, delta.updateTag)
      host.info(`Cleanup removed ${result.deleted} node(s) and relationship(s) without update tag ${delta.updateTag}`)
    }
    return result
  } catch (error) {
    throw new WordedError(describeError(error, settings))
  } finally {
    await session?.close().catch(() => undefined)
    await driver?.close().catch(() => undefined)
  }
}

/** Why the server cannot take this push, from the agent it announces (`Neo4j/5.26.0`); undefined when it can. */
export function serverTooOld(agent: string | undefined): string | undefined {
  const match = /^Neo4j\/(\d+)\.(\d+)/.exec(agent ?? '')
  if (!match) return undefined
  const [major, minor] = [Number(match[1]), Number(match[2])]
  if (major > MINIMUM_SERVER[0] || (major === MINIMUM_SERVER[0] && minor >= MINIMUM_SERVER[1])) return undefined
  return `${agent} is too old: scout-graph-action (like Cartography) needs Neo4j ${MINIMUM_SERVER.join('.')} or later`
}

/**
 * One read of the existing indexes; only what is missing is created (a normal push creates nothing).
 * A Cartography run may have made a plain index on `id`, which a constraint cannot coexist with, so
 * that index is replaced. Anything that cannot be created (no schema privilege, duplicates left by
 * an earlier concurrent writer) is a warning: the push still lands, without that guarantee.
 */
async function ensureSchema(session: Session, host: Host): Promise<void> {
  const existing = (
    await session.executeRead((tx) => tx.run('SHOW INDEXES YIELD name, labelsOrTypes, properties, owningConstraint'))
  ).records.map((record) => ({
    name: String(record.get('name')),
    key: JSON.stringify([record.get('labelsOrTypes'), record.get('properties')]),
    unique: record.get('owningConstraint') !== null
  }))
  let created = 0
  for (const object of schemaObjects()) {
    const key = JSON.stringify([[object.labelOrType], object.properties])
    const same = existing.filter((index) => index.key === key)
    if (same.some((index) => index.unique || !object.unique)) continue
    try {
      // Index names are generated by Neo4j (`index_1a2b3c`) or given by an administrator: quoted either way.
      for (const plain of same) await session.executeWrite((tx) => tx.run(`DROP INDEX \`${plain.name.replaceAll('`', '``')}\` IF EXISTS`))
      await session.executeWrite((tx) => tx.run(object.text))
      created++
    } catch (error) {
      host.warning(
        `Neo4j: cannot create ${object.unique ? 'a uniqueness constraint' : 'an index'} on ${object.labelOrType}(${object.properties.join(', ')}): ${errorLine(error)}`
      )
    }
  }
  // A new index fills in the background; a query planned before it is online scans every node instead
  // (the digest seek would then cost a full scan of Image per report), so wait for it.
  if (created > 0) await session.run('CALL db.awaitIndexes(600)')
}

/** The whole delta in one transaction: it lands whole or not at all, and the driver retries it on transient errors. */
async function writeDelta(neo4j: Neo4jModule, session: Session, delta: GraphDelta, host: Host): Promise<PushResult> {
  const common = { updateTag: neo4j.int(delta.updateTag), moduleName: MODULE_NAME, moduleVersion: VERSION }
  return session.executeWrite(async (tx) => {
    const result: PushResult = { nodesCreated: 0, relationshipsCreated: 0, propertiesSet: 0 }
    const matchStarted = performance.now()
    const imageIds = await matchImages(tx, delta)
    host.debug(`Matched ${delta.imageLinks.length} digest prefix(es) to Image nodes in ${Math.round(performance.now() - matchStarted)} ms`)
    for (const statement of upsertStatements(delta.mode)) {
      const rows = statementRows(neo4j, statement, delta, imageIds)
      for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
        const started = performance.now()
        const summary = (await tx.run(statement.text, { ...common, rows: rows.slice(start, start + ROWS_PER_STATEMENT) })).summary
        host.debug(
          `${statement.text.split('\n')[1]}: ${Math.min(rows.length - start, ROWS_PER_STATEMENT)} row(s) in ${Math.round(performance.now() - started)} ms`
        )
        const counters = summary.counters.updates()
        result.nodesCreated += counters.nodesCreated
        result.relationshipsCreated += counters.relationshipsCreated
        result.propertiesSet += counters.propertiesSet
      }
    }
    return result
  })
}

/** For each digest prefix, the ids of the `Image` nodes Cartography's rule links to it. */
async function matchImages(tx: ManagedTransaction, delta: GraphDelta): Promise<Map<string, unknown[]>> {
  const prefixes = [...new Set(delta.imageLinks.map((link) => link.digestPrefix))]
  const matched = new Map<string, unknown[]>(prefixes.map((prefix) => [prefix, []]))
  if (prefixes.length === 0) return matched
  for (const record of (await tx.run(CANONICAL_IMAGES, { prefixes })).records) {
    matched.get(record.get('prefix') as string)?.push(...(record.get('ids') as unknown[]))
  }
  for (const record of (await tx.run(NON_CANONICAL_IMAGES)).records) {
    const digest = String(record.get('digest'))
    for (const prefix of prefixes) if (digest.startsWith(prefix)) matched.get(prefix)?.push(record.get('id'))
  }
  return matched
}

function statementRows(neo4j: Neo4jModule, statement: Statement, delta: GraphDelta, imageIds: Map<string, unknown[]>): object[] {
  const properties = (values: Properties) => toNeo4jValues(neo4j, statement.properties, values)
  switch (statement.rows.kind) {
    case 'nodes': {
      const { label } = statement.rows
      return delta.nodes.filter((node) => node.label === label).map((node) => ({ id: node.id, properties: properties(node.properties) }))
    }
    case 'relationships': {
      const { type } = statement.rows
      return delta.relationships
        .filter((relationship) => relationship.type === type)
        .map((relationship) => ({ from: relationship.from.id, to: relationship.to.id, properties: properties(relationship.properties) }))
    }
    case 'imageLinks':
      return delta.imageLinks.flatMap((link) =>
        [...new Set(imageIds.get(link.digestPrefix))].map((from) => ({ from, to: link.to.id, properties: properties(link.properties) }))
      )
  }
}

/** Days an update tag may lie in the past and still be read as the time this run started. */
const UPDATE_TAG_WINDOW_SECONDS = 3 * 86_400

async function readChanges(neo4j: Neo4jModule, session: Session, delta: GraphDelta): Promise<BaseChange[] | undefined> {
  const now = Date.now() / 1000
  if (delta.updateTag > now + 60 || delta.updateTag < now - UPDATE_TAG_WINDOW_SECONDS) return undefined
  const bases = delta.nodes.filter((node) => node.label === PUBLIC_IMAGE).map((node) => node.id)
  if (bases.length === 0) return []
  const records = (
    await session.executeRead((tx) =>
      tx.run(RECOMMENDATION_CHANGES, { bases, updateTag: neo4j.int(delta.updateTag), since: neo4j.int(delta.updateTag * 1000) })
    )
  ).records
  const changes = new Map<string, BaseChange>()
  for (const record of records) {
    const base = String(record.get('base'))
    const change = changes.get(base) ?? { base, gained: [], lost: [] }
    ;(record.get('current') ? change.gained : change.lost).push(String(record.get('tag')))
    changes.set(base, change)
  }
  return [...changes.values()]
}

/**
 * Every property of the statement, null where the delta has none (so the write removes it). Counts
 * and fixes are integers: sent as Neo4j INTEGER, as Python's driver sends them for Cartography.
 */
function toNeo4jValues(neo4j: Neo4jModule, names: readonly string[], values: Properties): Record<string, unknown> {
  return Object.fromEntries(
    names.map((name) => {
      const value = values[name]
      return [name, value === undefined ? null : typeof value === 'number' ? neo4j.int(value) : value]
    })
  )
}

async function cleanup(neo4j: Neo4jModule, session: Session, updateTag: number): Promise<number> {
  let deleted = 0
  for (const text of cleanupStatements()) {
    for (;;) {
      const result = await session.executeWrite((tx) => tx.run(text, { updateTag: neo4j.int(updateTag), limit: neo4j.int(CLEANUP_BATCH) }))
      const counters = result.summary.counters.updates()
      deleted += counters.nodesDeleted + counters.relationshipsDeleted
      const batch = (result.records[0]?.get('deleted') as Integer | undefined)?.toNumber() ?? 0
      if (batch < CLEANUP_BATCH) break
    }
  }
  return deleted
}

function errorCode(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code
}

function describeError(error: unknown, settings: Neo4jSettings): string {
  // settings/neo4j.ts refuses a URI holding user information, so it is safe to show as it is.
  const where = settings.uri
  const code = errorCode(error)
  let message: string
  if (error instanceof WordedError) message = error.message
  else if (code === 'Neo.ClientError.Security.Unauthorized')
    message = `Neo4j at ${where} refused user ${JSON.stringify(settings.user)}: wrong user name or password`
  else if (code === 'Neo.ClientError.Security.AuthenticationRateLimit')
    message = `Neo4j at ${where} is rate-limiting logins after failed attempts; check neo4j-user and neo4j-password`
  else if (code === 'Neo.ClientError.Database.DatabaseNotFound')
    message = `Neo4j at ${where} has no database ${JSON.stringify(settings.database ?? '(default)')}; check neo4j-database`
  else if (code === 'ServiceUnavailable' || code === 'SessionExpired') message = `cannot reach Neo4j at ${where}: ${errorLine(error)}`
  else if (code?.startsWith('Neo.ClientError.Security.'))
    message = `Neo4j at ${where} denied the push (${code}); the user needs write and schema privileges`
  else message = `Neo4j push to ${where} failed${code ? ` (${code})` : ''}: ${errorLine(error)}`
  return redact(message, [settings.password])
}
