/**
 * Collect stage: read the report files and the legs, give every report its place in the output folder,
 * write the leg manifest, and record in the ledger what the run lost.
 */
import { legOutcomes, writeLegManifest } from '../matrix/manifest.js'
import { placeReports, readReportFiles } from '../collect/reports.js'
import type { ImageOutcome } from '../types/outcome.js'
import type { Run } from './run.js'

export async function collectStage({ settings, host, ledger }: Run, scanned: readonly ImageOutcome[]): Promise<ImageOutcome[]> {
  const read =
    settings.reportFiles.length > 0
      ? await host.group(`Read ${settings.reportFiles.length} report(s)`, () =>
          readReportFiles(settings.reportFiles, settings.legs?.reportImages, host)
        )
      : []
  if (settings.legs) for (const line of settings.legs.taken) host.info(`Took ${line}`)
  const outcomes = [
    ...(await placeReports(scanned, read, settings.outputDir, settings.reportFolders)),
    ...(settings.legs ? legOutcomes(settings.legs) : [])
  ]
  await writeLegManifest(
    {
      outputDir: settings.outputDir,
      ...(settings.shard ? { shard: settings.shard } : {}),
      runAttempt: Number(settings.github.runAttempt ?? 1),
      updateTag: settings.updateTag
    },
    outcomes
  )
  // A wrong path or pattern must not pass green: without images to scan, something read must be a report.
  const reports = outcomes.filter((outcome) => outcome.error !== undefined || (outcome.parsed && outcome.parsed.status !== 'not-a-report'))
  if (reports.length === 0 && settings.images.length === 0) {
    ledger.fail(`nothing was read: no report among the ${settings.reportFiles.length} file(s) matched`)
  }
  for (const blocker of settings.legs?.blockers ?? []) ledger.lose(`the matrix is incomplete: ${blocker}`)
  const failedScans = outcomes.filter((outcome) => outcome.error !== undefined).length
  if (failedScans > 0) ledger.lose(`${failedScans} image(s) could not be scanned, so their graph would look stale`)
  return outcomes
}
