/** Graph stage: the delta of every readable report, written to `graph-file`. */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { buildDelta, serializeDelta, type GraphDelta } from '../graph/delta.js'
import { REPORTS_FOLDER, reportName } from '../collect/reports.js'
import type { ImageOutcome } from '../types/outcome.js'
import type { Run } from './run.js'

export async function graphStage({ settings, host, ledger }: Run, outcomes: readonly ImageOutcome[]): Promise<GraphDelta> {
  const delta = await host.group('Build the graph', async () => {
    // Reports apply in the order of their names (`reports/<name>`), the order Cartography reads that folder, the S3 prefix or the original folder in.
    const ingested = outcomes.flatMap((outcome) =>
      outcome.parsed
        ? [
            {
              source: outcome.file ? `${REPORTS_FOLDER}/${reportName(settings.outputDir, outcome.file)}` : outcome.source,
              parsed: outcome.parsed
            }
          ]
        : []
    )
    const built = buildDelta(ingested, settings.graphMode, settings.updateTag)
    await mkdir(path.dirname(settings.graphFile), { recursive: true })
    await writeFile(settings.graphFile, serializeDelta(built))
    host.info(
      `${built.nodes.length} node(s), ${built.relationships.length} relationship(s), ${built.imageLinks.length} image link(s) → ${settings.graphFile}`
    )
    return built
  })
  const unreadable = delta.reports.filter((report) => report.status === 'failed').length
  if (unreadable > 0) ledger.lose(`${unreadable} report(s) could not be read (as Cartography, cleanup never runs then)`)
  ledger.ingest(delta.reports.filter((report) => report.status === 'parsed').length)
  return delta
}
