/** The shape every stage shares: one image's outcome, from the scan or a report file to the sinks. */
import type { ParsedReport } from './report.js'

export interface ImageOutcome {
  /** The reference as given, when the image was scanned (or a leg scanned it). */
  image?: string
  /** Where the report came from, as the user knows it: `reports/<name>` for a scan, else the path given. */
  source: string
  /**
   * The report file in the output folder (`<output-dir>/reports/<name>`), once it has one: the artifact
   * holds it there, the leg manifest names it, the S3 key ends in its name, and the graph applies reports
   * in the order of their names.
   */
  file?: string
  parsed?: ParsedReport
  /** Why the scan failed, when it did. */
  error?: string
}

/** The image an outcome stands for: the reference scanned, else the report's Target, else its source. */
export function outcomeImage(outcome: ImageOutcome): string {
  return outcome.image ?? (outcome.parsed?.target || outcome.source)
}
