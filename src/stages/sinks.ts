/**
 * Sink stages. Writes first, destructive steps last: the S3 upload, then the Neo4j push (whose cleanup
 * asks the gate), then the S3 prune (which asks it again, after the push). Every failure goes into the ledger.
 */
import path from 'node:path'
import type { GraphDelta } from '../graph/delta.js'
import { errorLine } from '../messages.js'
import { pushGraph } from '../sinks/neo4j.js'
import { checkS3Access, pruneReports, uploadReports } from '../sinks/s3.js'
import type { BaseChange } from '../types/graph-change.js'
import type { ImageOutcome } from '../types/outcome.js'
import type { Run } from './run.js'

/** Before any scan: the S3 region and credentials must resolve. */
export async function checkSinksStage({ settings, host }: Run): Promise<void> {
  const { s3 } = settings
  if (s3) await host.group('Check S3 access', () => checkS3Access(s3))
}

/** Every readable report under the S3 prefix; returns the keys written. */
export async function uploadStage({ settings, host, ledger }: Run, outcomes: readonly ImageOutcome[]): Promise<string[]> {
  const { s3 } = settings
  if (!s3) return []
  return host.group(`Upload the reports to s3://${s3.bucket}/${s3.prefix}`, async () => {
    const items = outcomes.flatMap((outcome) =>
      outcome.file && outcome.parsed?.status === 'report' ? [{ name: path.basename(outcome.file), file: outcome.file }] : []
    )
    try {
      const result = await uploadReports(s3, items, host)
      for (const failure of result.failed) ledger.fail(`S3 upload of ${failure.key} failed: ${failure.reason}`)
      return result.uploaded
    } catch (error) {
      ledger.fail(`S3 upload failed: ${errorLine(error)}`)
      return []
    }
  })
}

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

/** Deletes what this run did not write under the prefix, only through the gate. */
export async function pruneStage({ settings, host, ledger }: Run, uploadedKeys: readonly string[]): Promise<void> {
  const { s3 } = settings
  if (!s3?.prune) return
  await host.group(`Prune s3://${s3.bucket}/${s3.prefix}`, async () => {
    const blocker = ledger.blocker()
    if (blocker) {
      host.warning(`s3-prune skipped: ${blocker}`)
      return
    }
    try {
      await pruneReports(s3, uploadedKeys, host)
    } catch (error) {
      ledger.fail(`s3-prune failed: ${errorLine(error)}`)
    }
  })
}
