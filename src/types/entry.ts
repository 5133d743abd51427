/** The `recommendations` JSON of the contract: one entry per scanned image or ingested report. */
import type { FixCounts, RecommendationKind, VulnerabilityCounts } from './report.js'
import type { FromLine } from './dockerfile.js'
import type { MoveClass } from './moves.js'

/** What the comparison of a move used of one side: the report's details and its tags, as read. */
export interface MoveDetails {
  runtime?: string
  os?: string
  osVersion?: string
  slim?: boolean
}

export type EntryStatus = 'ok' | 'failed' | 'no-base-image' | 'not-a-report'

export interface RecommendationEntry {
  image: string
  source: string
  status: EntryStatus
  error?: string
  warnings?: string[]
  target?: string
  digest?: string
  baseImage?: {
    name: string
    tag: string
    digest?: string
    vulnerabilities?: VulnerabilityCounts
  } & MoveDetails
  recommendations: ({
    kind: RecommendationKind
    tag: string
    headline?: string
    benefits: string[]
    vulnerabilities: VulnerabilityCounts
    fixes: FixCounts
    /** What the move changes, in the classes of moves.md; empty when only the build and the patch level do. */
    changes: MoveClass[]
    /** Whether the move policy allows it (`moves`, the policy file's rules; never when ignored). */
    allowed: boolean
    /** The policy file's ignore entry that holds it back. */
    ignored?: { reason: string; until: string }
  } & MoveDetails)[]
  /** The best allowed option, or null when the policy allows none. */
  bestMove?: { kind: RecommendationKind; tag: string } | null
}

/** The Dockerfile `FROM` lines each image's base is used on, for the images that should move. */
export type Located = Map<RecommendationEntry, FromLine[]>
