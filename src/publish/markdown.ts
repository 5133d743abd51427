/**
 * Report values in what GitHub renders: each escaped for the context it lands in (Markdown text,
 * HTML inside `<summary>`, a code span where a reference should be copyable), and the counts worded
 * the same way everywhere (zeros left out, critical and high marked by more than colour).
 */
import { SEVERITIES, type FixCounts, type VulnerabilityCounts } from '../types/report.js'
import { netChange, type Option } from './rank.js'
import type { RecommendationEntry } from './recommendations.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ')

/** Text for HTML (inside `<summary>`, where Markdown escapes are not processed). */
export function escapeHtml(text: string): string {
  return oneLine(text).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
}

/** Text for Markdown prose: no markup, no links, no @mention, one line. */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_{}[\]()#!|~]/g, '\\$&')
    .replace(/@/g, '@\u200b')
}

/**
 * A code span, so a reference can be copied as it is. Inside a table, `|` is escaped (GFM splits cells
 * before it reads code spans, and drops the backslash again).
 */
export function code(text: string, inTable = false): string {
  let body = oneLine(text)
  if (inTable) body = body.replace(/\|/g, '\\|')
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = body.startsWith('`') || body.endsWith('`') || /^ .* $/.test(body) ? ' ' : ''
  return `${fence}${pad}${body}${pad}${fence}`
}

export function htmlCode(text: string): string {
  return `<code>${escapeHtml(text)}</code>`
}

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
