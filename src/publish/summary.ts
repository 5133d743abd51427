/** The job summary (and the CLI's `--summary-file`): Markdown, with every value from a report escaped. */
import { SEVERITIES, type FixCounts, type VulnerabilityCounts } from '../report/model.js'
import { baseReference, isOutdated, type RecommendationEntry } from './recommendations.js'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text from a report, safe inside Markdown and the HTML GitHub renders it to. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
    .replace(/[\\`*_{}[\]()#!|~]/g, '\\$&')
    .replace(/@/g, '@\u200b') // no @mention from report text
    .replace(/[\r\n]+/g, ' ')
}

export function formatCounts(counts: VulnerabilityCounts | undefined): string {
  if (counts === undefined) return 'unknown'
  const text = `${counts.critical}C ${counts.high}H ${counts.medium}M ${counts.low}L`
  return counts.unspecified > 0 ? `${text} ${counts.unspecified}?` : text
}

export function formatFixes(fixes: FixCounts): string {
  const parts = SEVERITIES.filter((severity) => fixes[severity] > 0).map((severity) => `${fixes[severity]}${severity[0].toUpperCase()}`)
  return parts.length > 0 ? `removes ${parts.join(' ')}` : 'removes none'
}

/** Needs action first, then failures, then the rest; by image name within each. */
export function orderForReading(entries: readonly RecommendationEntry[]): RecommendationEntry[] {
  const rank = (entry: RecommendationEntry): number =>
    isOutdated(entry) ? 0 : entry.status === 'failed' ? 1 : entry.status === 'ok' ? 3 : 2
  return [...entries].sort((a, b) => rank(a) - rank(b) || a.image.localeCompare(b.image))
}

export function renderSummary(entries: readonly RecommendationEntry[]): string {
  const outdated = entries.filter(isOutdated).length
  const failed = entries.filter((entry) => entry.status === 'failed').length
  const lines = [
    '## Docker Scout base image recommendations',
    '',
    `**${entries.length}** image(s) · **${outdated}** should update their base image · **${failed}** failed`,
    '',
    '| Image | Base image | Base vulnerabilities | Recommended | What it fixes |',
    '| --- | --- | --- | --- | --- |'
  ]
  for (const entry of orderForReading(entries)) {
    const image = escapeMarkdown(entry.image)
    if (entry.status !== 'ok') {
      lines.push(`| ${image} | ${escapeMarkdown(baseReference(entry))} | | **${entry.status}** | ${escapeMarkdown(entry.error ?? '')} |`)
      continue
    }
    const base = escapeMarkdown(baseReference(entry))
    const counts = formatCounts(entry.baseImage?.vulnerabilities)
    if (entry.recommendations.length === 0) {
      lines.push(`| ${image} | ${base} | ${counts} | up to date | |`)
      continue
    }
    const recommended = entry.recommendations.map((r) => `${r.kind} ${escapeMarkdown(r.tag)}`).join('<br>')
    const fixes = entry.recommendations.map((r) => formatFixes(r.fixes)).join('<br>')
    lines.push(`| ${image} | ${base} | ${counts} | ${recommended} | ${fixes} |`)
  }
  return `${lines.join('\n')}\n`
}
