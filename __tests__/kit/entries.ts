/** Recommendation entries as test data: an image on a base with options and their counts, or a report's text. */
import { parseReport } from '../../src/report/parse.js'
import { toEntry } from '../../src/verdict/entry.js'
import { fixCounts } from '../../src/report/derive.js'
import type { RecommendationEntry } from '../../src/types/entry.js'
import type { MoveClass } from '../../src/types/moves.js'
import type { RecommendationKind, VulnerabilityCounts } from '../../src/types/report.js'

/** `[critical, high, medium, low]` (and unrated). */
export type Counts = [number, number, number, number, number?]

export const counts = ([critical, high, medium, low, unspecified = 0]: Counts): VulnerabilityCounts => ({
  critical,
  high,
  medium,
  low,
  unspecified
})

export interface OptionSpec {
  kind?: RecommendationKind
  tag: string
  counts: Counts
  benefits?: string[]
  /** What the move changes; none (allowed by any policy) unless given. */
  changes?: MoveClass[]
  /** Whether the policy allows it; true unless given. */
  allowed?: boolean
}

export function outdatedEntry(image: string, base: string, baseCounts: Counts, options: OptionSpec[]): RecommendationEntry {
  const at = base.lastIndexOf(':')
  const current = counts(baseCounts)
  return {
    image,
    source: `reports/${image.replace(/[^A-Za-z0-9.-]/g, '_')}.txt`,
    status: 'ok',
    baseImage: { name: base.slice(0, at), tag: base.slice(at + 1), vulnerabilities: current },
    recommendations: options.map((option) => ({
      kind: option.kind ?? 'update',
      tag: option.tag,
      benefits: option.benefits ?? [],
      vulnerabilities: counts(option.counts),
      fixes: fixCounts(current, counts(option.counts)),
      changes: option.changes ?? [],
      allowed: option.allowed ?? true
    }))
  }
}

export const failedEntry = (image: string, error: string): RecommendationEntry => ({
  image,
  source: `reports/${image}.txt`,
  status: 'failed',
  error,
  recommendations: []
})

export const upToDateEntry = (image: string, base: string): RecommendationEntry => ({
  ...outdatedEntry(image, base, [0, 0, 1, 2], []),
  recommendations: []
})

/** The entry of a report's text, as the verdict stage makes it. */
export const entryFrom = (text: string, image?: string): RecommendationEntry =>
  toEntry({ ...(image ? { image } : {}), source: 'x.txt', parsed: parseReport(text) })
