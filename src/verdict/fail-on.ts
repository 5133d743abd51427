/** `fail-on`: which images hit which rule. The step fails only by these. */
import { SEVERITIES, type Severity } from '../types/report.js'
import { baseReference, bestFixes, isOutdated } from './entry.js'
import type { RecommendationEntry } from '../types/entry.js'
import type { FailRule } from '../types/settings.js'

/**
 * `fixable-<severity>` is hit when one recommendation removes at least one vulnerability of that
 * severity or a worse one. Returns one line per rule hit, naming the images.
 */
export function failOnViolations(entries: readonly RecommendationEntry[], rules: readonly FailRule[]): string[] {
  const violations: string[] = []
  for (const rule of rules) {
    const hits = entries.filter((entry) => hitsRule(entry, rule))
    if (hits.length === 0) continue
    const names = hits.map((entry) =>
      rule === 'error' ? `${entry.image} (${entry.error ?? 'failed'})` : `${entry.image} (${baseReference(entry)})`
    )
    violations.push(`fail-on ${rule}: ${hits.length} image(s): ${names.join(', ')}`)
  }
  return violations
}

function hitsRule(entry: RecommendationEntry, rule: FailRule): boolean {
  if (rule === 'error') return entry.status === 'failed'
  if (rule === 'outdated') return isOutdated(entry)
  const threshold = SEVERITIES.indexOf(rule.slice('fixable-'.length) as Severity)
  const fixes = bestFixes(entry)
  return SEVERITIES.slice(0, threshold + 1).some((severity) => fixes[severity] > 0)
}
