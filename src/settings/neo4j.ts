/** Where the graph is pushed: `neo4j-*` and `cleanup`. */
import type { Neo4jSettings } from '../types/settings.js'
import { InputError, parseBoolean, safeArgument, shownUri } from './values.js'
import type { InputReader } from '../inputs.js'

const NEO4J_SCHEMES = ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc']
/** How long a push keeps retrying transient Neo4j errors before it gives up. */
const NEO4J_RETRY_SECONDS = 60

export function neo4jSettings(input: InputReader): Neo4jSettings | undefined {
  const cleanup = parseBoolean('cleanup', input('cleanup'))
  const uri = input('neo4j-uri')
  if (uri === '') {
    if (cleanup) throw new InputError('cleanup', 'needs neo4j-uri (cleanup deletes stale nodes from that Neo4j)')
    return undefined
  }
  return {
    uri: parseNeo4jUri(uri),
    user: input('neo4j-user'),
    password: input('neo4j-password'),
    ...(input('neo4j-database') ? { database: safeArgument('neo4j-database', input('neo4j-database')) } : {}),
    cleanup,
    retrySeconds: NEO4J_RETRY_SECONDS
  }
}

/** A Bolt URI without user information: the password has an input of its own and must never sit in a URI that logs echo. */
function parseNeo4jUri(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError('neo4j-uri', `expected a URI like bolt://host:7687 or neo4j+s://host, got ${shownUri(value)}`)
  }
  const scheme = url.protocol.slice(0, -1)
  if (url.username !== '' || url.password !== '') {
    throw new InputError('neo4j-uri', 'must not contain a user name or password (user:password@); use neo4j-user and neo4j-password')
  }
  if (!NEO4J_SCHEMES.includes(scheme) || url.hostname === '') {
    throw new InputError('neo4j-uri', `expected ${NEO4J_SCHEMES.map((s) => `${s}://`).join(', ')} and a host, got ${shownUri(value)}`)
  }
  return value
}
