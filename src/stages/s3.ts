/**
 * S3 stages: access checked before any scan, the reports uploaded, and (last of all, through the ledger's
 * gate, after the Neo4j push) what this run did not write pruned. Every failure goes into the ledger.
 */
import { reportName } from '../collect/reports.js'
import { errorLine } from '../messages.js'
import { checkS3Access, pruneReports, uploadReports } from '../sinks/s3.js'
import type { ImageOutcome } from '../types/outcome.js'
import type { Run } from './run.js'

/** Before any scan: the S3 region and credentials must resolve. */
export async function checkS3Stage({ settings, host }: Run): Promise<void> {
  const { s3 } = settings
  if (s3) await host.group('Check S3 access', () => checkS3Access(s3))
}

/** Every readable report under the S3 prefix; returns the keys written. */
export async function uploadStage({ settings, host, ledger }: Run, outcomes: readonly ImageOutcome[]): Promise<string[]> {
  const { s3 } = settings
  if (!s3) return []
  return host.group(`Upload the reports to s3://${s3.bucket}/${s3.prefix}`, async () => {
    const items = outcomes.flatMap((outcome) =>
      outcome.file && outcome.parsed?.status === 'report'
        ? [{ name: reportName(settings.outputDir, outcome.file), file: outcome.file }]
        : []
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
