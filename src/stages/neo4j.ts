/** Neo4j stage: the delta pushed, with Cartography's cleanup only through the ledger's gate. */
import type { GraphDelta } from '../graph/delta.js'
import { errorLine } from '../messages.js'
import { pushGraph } from '../sinks/neo4j.js'
import type { BaseChange } from '../types/graph-change.js'
import type { Run } from './run.js'

/** The delta into Neo4j; cleanup only through the gate. Returns what changed per base, when it can tell. */
export async function pushStage({ settings, host, ledger }: Run, delta: GraphDelta): Promise<BaseChange[] | undefined> {
  const { neo4j } = settings
  if (!neo4j) return undefined
  return host.group('Push the graph to Neo4j', async () => {
    const blocker = neo4j.cleanup ? ledger.blocker() : undefined
    if (blocker) host.warning(`Cleanup skipped: ${blocker}`)
    try {
      return (await pushGraph(delta, neo4j, neo4j.cleanup && blocker === undefined, host)).changes
    } catch (error) {
      ledger.fail(errorLine(error))
      return undefined
    }
  })
}
