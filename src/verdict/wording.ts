/**
 * The verdict in words, the same in every product (summary, annotations, SARIF, CLI table): counts with
 * zeros left out, critical and high marked by more than colour, and a style for where the words land.
 */
import { SEVERITIES, type FixCounts, type VulnerabilityCounts } from '../types/report.js'
import { netChange, type Option } from './rank.js'
import { describeChanges } from '../moves/changes.js'
import type { MoveDetails, RecommendationEntry } from '../types/entry.js'

/** How a fact is made to stand out where it lands. */
export interface Style {
  strong(text: string): string
}
export const MARKDOWN: Style = { strong: (text) => `**${text}**` }
export const HTML: Style = { strong: (text) => `<b>${text}</b>` }
export const PLAIN: Style = { strong: (text) => text }

const MARKS: Record<string, string> = { critical: '🟥 ', high: '🟧 ' }

/** "🟥 **2 critical**, 🟧 **16 high**, 7 medium, 1 unrated"; empty when every count is zero. */
export function describeCounts(counts: FixCounts | VulnerabilityCounts, style: Style): string {
  const parts = SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => {
    const text = `${counts[severity]} ${severity}`
    return style === PLAIN || MARKS[severity] === undefined ? text : `${MARKS[severity]}${style.strong(text)}`
  })
  const unrated = 'unspecified' in counts ? counts.unspecified : 0
  if (unrated > 0) parts.push(`${unrated} unrated`)
  return parts.join(', ')
}

/** What a move removes ("nothing" when none) and what it adds (empty when none), worded in `style`. */
export function describeNet(entry: RecommendationEntry, option: Option, style: Style): { removes: string; adds: string } {
  const { removes, adds } = netChange(entry, option)
  return { removes: describeCounts(removes, style) || 'nothing', adds: describeCounts(adds, style) }
}

/** "a, b and 4 more": the first `max` of already-formatted items, then how many are left. */
export function someOf(items: readonly string[], max: number): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '')
}

/** The vulnerabilities of an image: "none", "unknown" (no counts in the report), or the counts. */
export function describeVulnerabilities(counts: VulnerabilityCounts | undefined, style: Style): string {
  if (counts === undefined) return 'unknown'
  return describeCounts(counts, style) || 'none'
}

/**
 * " (bigger move: Node 22 → 23)" for a move the policy does not allow, " (ignored until 2027-03-31: why)"
 * for one an ignore entry holds back; empty for an allowed one.
 */
export function biggerNote(entry: RecommendationEntry, option: Option): string {
  if (option.ignored) return ` (ignored until ${option.ignored.until}: ${option.ignored.reason})`
  return option.allowed ? '' : ` (bigger move: ${describeMove(entry, option) || 'what it changes is not allowed'})`
}

/** What a move changes, in words: "Node 22 → 23, floating tag"; empty when only the build and the patch level change. */
export function describeMove(entry: RecommendationEntry, option: Option): string {
  const base = entry.baseImage
  if (base === undefined) return ''
  const facts = (side: MoveDetails) => ({ ...side, slim: side.slim ?? false, versioned: true })
  return describeChanges(base.name, option.changes, facts(base), facts(option)).join(', ')
}
