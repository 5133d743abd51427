/** What a `docker scout recommendations` report says, as read by `parseReport`. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface VulnerabilityCounts {
  critical: number
  high: number
  medium: number
  low: number
  unspecified: number
}

export type FixCounts = Record<Severity, number>

/** The `Image details:` bullets of a recommendation, or the key/value rows of the base. */
export interface ImageDetails {
  size?: string
  flavor?: string
  /** The OS version row (`OS │ 3.23`), kept as written. */
  osVersion?: string
  runtime?: string
  /** The raw `Slim` value (`✓`, or `v` from a Windows console). */
  slim?: string
}

export interface BaseImage extends ImageDetails {
  /** The reference on the `Base image is` line. */
  reference: string
  /** The reference split at its last `:`; empty when Scout could not identify the base. */
  name: string
  /** The `Name` row when present, else the tag of the `Base image is` line. */
  tag: string
  /** The tag of the `Base image is` line (Cartography infers the OS from it). */
  lineTag: string
  digest?: string
  /** Absent when the row is missing or empty (an unidentified base): unknown, not zero. */
  vulnerabilities?: VulnerabilityCounts
  pushed?: string
  packages?: string
  /** Tags of the "also available under the supported tag(s)" note, in order. */
  supportedTags: string[]
}

export type RecommendationKind = 'refresh' | 'update'

export interface Recommendation extends ImageDetails {
  kind: RecommendationKind
  tag: string
  /** The second line of the record's first cell ("Tag is preferred tag"). */
  headline?: string
  pushed?: string
  vulnerabilities: VulnerabilityCounts
  /** "Also known as" tags. */
  aliases: string[]
  benefits: string[]
}

export type ReportStatus =
  /** A report with an identified base image. */
  | 'report'
  /** `Base image is  :tag`: Scout could not look the base up. Not an all-clear. */
  | 'unidentified-base'
  /** Scout's `image has no base image` error text instead of a report. */
  | 'no-base-image'
  /** Docker Scout's own error output saved in place of a report (a Go panic, an `ERROR` line): a failed scan. */
  | 'scout-error'
  /** Anything else: skipped, with a reason. */
  | 'not-a-report'
  /** A header and a base image but no whole Refresh or Change section (a capture cut short): an error. */
  | 'incomplete'
  /** Not text this parser can decode, too large, or with values no image has: an error. */
  | 'undecodable'

export interface ParsedReport {
  status: ReportStatus
  /** Why the file is not a usable report. */
  reason?: string
  /** What was read but not trusted (a terminal redraw that repeated rows, say). */
  warnings: string[]
  /** The Target reference (prefix included); absent in captures without a Target block. */
  target?: string
  /** The short digest of the Target block. */
  digest?: string
  base?: BaseImage
  /** Refresh first, then Change (best first); one entry per tag, as Cartography merges them. */
  recommendations: Recommendation[]
}
