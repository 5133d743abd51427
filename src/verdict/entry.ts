/** An image's outcome as the contract's entry, and the facts about it every product reads the same way. */
import { fixCounts } from '../report/derive.js'
import type { EntryStatus, RecommendationEntry } from '../types/entry.js'
import { SEVERITIES, type FixCounts, type ParsedReport } from '../types/report.js'
import { outcomeImage, type ImageOutcome } from '../types/outcome.js'

const STATUS: Record<ParsedReport['status'], EntryStatus> = {
  report: 'ok',
  'unidentified-base': 'no-base-image',
  'no-base-image': 'no-base-image',
  'not-a-report': 'not-a-report',
  'scout-error': 'failed',
  incomplete: 'failed',
  undecodable: 'failed'
}

export function toEntry(outcome: ImageOutcome): RecommendationEntry {
  const { parsed } = outcome
  const image = outcomeImage(outcome)
  if (parsed === undefined)
    return { image, source: outcome.source, status: 'failed', error: outcome.error ?? 'no report', recommendations: [] }
  const base = parsed.base
  const entry: RecommendationEntry = {
    image,
    source: outcome.source,
    status: STATUS[parsed.status],
    ...(parsed.reason !== undefined ? { error: parsed.reason } : {}),
    ...(parsed.warnings.length > 0 ? { warnings: parsed.warnings } : {}),
    ...(parsed.target !== undefined ? { target: parsed.target } : {}),
    ...(parsed.digest !== undefined ? { digest: parsed.digest } : {}),
    recommendations: parsed.recommendations.map((recommendation) => ({
      kind: recommendation.kind,
      tag: recommendation.tag,
      ...(recommendation.headline !== undefined ? { headline: recommendation.headline } : {}),
      benefits: recommendation.benefits,
      vulnerabilities: recommendation.vulnerabilities,
      fixes: fixCounts(base?.vulnerabilities, recommendation.vulnerabilities)
    }))
  }
  if (base !== undefined) {
    entry.baseImage = {
      name: base.name,
      tag: base.tag,
      ...(base.digest !== undefined ? { digest: base.digest } : {}),
      ...(base.vulnerabilities !== undefined ? { vulnerabilities: base.vulnerabilities } : {})
    }
  }
  return entry
}

export function isOutdated(entry: RecommendationEntry): boolean {
  return entry.status === 'ok' && entry.recommendations.length > 0
}

/** The most a single recommendation removes, per severity. */
export function bestFixes(entry: RecommendationEntry): FixCounts {
  const best = { critical: 0, high: 0, medium: 0, low: 0 }
  for (const recommendation of entry.recommendations) {
    for (const severity of SEVERITIES) best[severity] = Math.max(best[severity], recommendation.fixes[severity])
  }
  return best
}

export function baseReference(entry: RecommendationEntry): string {
  return entry.baseImage ? `${entry.baseImage.name}:${entry.baseImage.tag}` : ''
}

/** Another tag of a base reference: `node:20` with `22` is `node:22`. */
export function retag(base: string, tag: string): string {
  return `${base.slice(0, base.lastIndexOf(':'))}:${tag}`
}
