/** The `recommendations` JSON of the contract: one entry per scanned image or ingested report. */
import type { FixCounts, RecommendationKind, VulnerabilityCounts } from './report.js'
import type { FromLine } from './dockerfile.js'

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
  }
  recommendations: {
    kind: RecommendationKind
    tag: string
    headline?: string
    benefits: string[]
    vulnerabilities: VulnerabilityCounts
    fixes: FixCounts
  }[]
}

/** The Dockerfile `FROM` lines each image's base is used on, for the images that should move. */
export type Located = Map<RecommendationEntry, FromLine[]>
