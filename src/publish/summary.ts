/**
 * The job summary (and the CLI's `--summary-file`, and the PR comment): Markdown with every value from
 * a report escaped. Images that need action come first, then failures; the rest, the diagram and
 * the per-image details are folded away. It always fits the size it is given: details, then the
 * diagram, then table rows give way, each with a note, and the step never fails for size.
 */
import { createHash } from 'node:crypto'
import { SEVERITIES, type FixCounts, type VulnerabilityCounts } from '../types/report.js'
import { largestFitting } from './fit.js'
import { baseReference, isOutdated, type RecommendationEntry } from './recommendations.js'
import type { BaseChange } from '../types/graph-change.js'

/** GitHub refuses a step summary over 1 MiB; keep clear of it. */
export const SUMMARY_LIMIT = 1_000_000
/** Mermaid stops rendering well before this; past it the diagram shows the first images only. */
const DIAGRAM_IMAGES = 60
const TOP_BENEFITS = 3

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Text from a report, safe inside Markdown and the HTML GitHub renders it to. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
    .replace(/[\\`*_{}[\]()#!|~]/g, '\\$&')
    .replace(/@/g, '@\u200b') // no @mention from report text
    .replace(/[\r\n]+/g, ' ')
}

/** Text inside a quoted Mermaid label: everything but plain characters as Mermaid entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[^A-Za-z0-9 .:/_+-]/gu, (ch) => `#${ch.codePointAt(0)};`)
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

/** Needs action first (most critical fixes first), then failures, then the rest; by image name within each. */
export function orderForReading(entries: readonly RecommendationEntry[]): RecommendationEntry[] {
  const rank = (entry: RecommendationEntry): number =>
    isOutdated(entry) ? 0 : entry.status === 'failed' ? 1 : entry.status === 'ok' ? 3 : 2
  return [...entries].sort((a, b) => rank(a) - rank(b) || a.image.localeCompare(b.image))
}

export interface SummaryOptions {
  /** The most characters the Markdown may take. */
  limit?: number
  /** Recommendations gained or lost since the previous update tag (known when Neo4j is configured). */
  changes?: readonly BaseChange[]
  /** Where the full run can be seen, for the notes on what was left out. */
  runUrl?: string
}

export function renderSummary(entries: readonly RecommendationEntry[], options: SummaryOptions = {}): string {
  const limit = options.limit ?? SUMMARY_LIMIT
  const ordered = orderForReading(entries)
  const needsAction = ordered.filter(isOutdated)
  const failed = ordered.filter((entry) => entry.status === 'failed')
  const others = ordered.filter((entry) => !isOutdated(entry) && entry.status !== 'failed')
  const where = options.runUrl ? `the [run's artifact](${options.runUrl})` : "the run's artifact and the `recommendations` output"

  const head = [
    '## Docker Scout base image recommendations',
    '',
    `**${entries.length}** image(s) · **${needsAction.length}** should move to another base image · **${failed.length}** failed · ` +
      `**${others.length}** up to date or without a base to judge`,
    ''
  ]
  if (options.changes) head.push(...changesSection(options.changes, entries))
  const actionRows = needsAction.map(actionRow)
  const failedRows = failed.map((entry) => `| ${escapeMarkdown(entry.image)} | ${escapeMarkdown(entry.error ?? 'failed')} |`)
  const otherRows = others.map(
    (entry) =>
      `| ${escapeMarkdown(entry.image)} | ${escapeMarkdown(baseReference(entry))} | ${entry.status === 'ok' ? `up to date (${formatCounts(entry.baseImage?.vulnerabilities)})` : escapeMarkdown(`${entry.status}${entry.error ? `: ${entry.error}` : ''}`)} |`
  )
  const details = needsAction.map(detailsBlock)
  const diagram = renderDiagram(needsAction)

  const assemble = (
    rows: { action: string[]; failed: string[]; other: string[] },
    withDiagram: boolean,
    detailCount: number,
    notes: string[]
  ) =>
    [
      ...head,
      ...(rows.action.length > 0
        ? [
            '### Needs action',
            '',
            '| Image | Base image | Base vulnerabilities | Recommended | What it removes | Top benefits |',
            '| --- | --- | --- | --- | --- | --- |',
            ...rows.action,
            ''
          ]
        : []),
      ...(rows.failed.length > 0 ? ['### Failed', '', '| Image | Cause |', '| --- | --- |', ...rows.failed, ''] : []),
      ...(rows.other.length > 0
        ? [
            '<details><summary>Up to date, or no base image to judge</summary>',
            '',
            '| Image | Base image | Result |',
            '| --- | --- | --- |',
            ...rows.other,
            '',
            '</details>',
            ''
          ]
        : []),
      ...(withDiagram && diagram ? ['<details><summary>Image → base → recommended tags</summary>', '', diagram, '', '</details>', ''] : []),
      ...details.slice(0, detailCount),
      ...notes.map((note) => `> ${note}`),
      ''
    ].join('\n')

  const all = { action: actionRows, failed: failedRows, other: otherRows }
  const complete = assemble(all, true, details.length, [])
  if (complete.length <= limit) return complete
  // Too big: drop per-image details from the end, then the diagram, then rows (up-to-date ones first,
  // images needing action last). Each step keeps as much as fits.
  const detailNote = (kept: number) =>
    `Details of ${details.length - kept} image(s) left out to stay under GitHub's size limit; all of it is in ${where}.`
  const kept = largestFitting(details.length, (count) => assemble(all, true, count, [detailNote(count)]).length <= limit)
  if (kept !== undefined) return assemble(all, true, kept, [detailNote(kept)])
  const noDetails = `Per-image details and the diagram left out to stay under GitHub's size limit; all of it is in ${where}.`
  const listed = [
    ...actionRows.map((row) => ['action', row]),
    ...failedRows.map((row) => ['failed', row]),
    ...otherRows.map((row) => ['other', row])
  ]
  const withRows = (count: number) => {
    const rows = listed.slice(0, count)
    const pick = (kind: string) => rows.filter(([rowKind]) => rowKind === kind).map(([, row]) => row)
    const notes = count < listed.length ? [noDetails, `${listed.length - count} more image(s) not listed; see ${where}.`] : [noDetails]
    return assemble({ action: pick('action'), failed: pick('failed'), other: pick('other') }, false, 0, notes)
  }
  const rows = largestFitting(listed.length, (count) => withRows(count).length <= limit) ?? 0
  return withRows(rows).slice(0, limit)
}

/** "Changed since the last scan": news for a nightly reader, per base image, with the images on it. */
function changesSection(changes: readonly BaseChange[], entries: readonly RecommendationEntry[]): string[] {
  if (changes.length === 0) return ['No recommendation changed since the last scan.', '']
  const lines = ['### Changed since the last scan', '']
  for (const change of changes) {
    const images = entries
      .filter((entry) => entry.baseImage && baseReference(entry) === change.base)
      .map((entry) => escapeMarkdown(entry.image))
    const parts = [
      ...(change.gained.length > 0 ? [`newly recommended ${change.gained.map((tag) => `**${escapeMarkdown(tag)}**`).join(', ')}`] : []),
      ...(change.lost.length > 0 ? [`no longer recommended ${change.lost.map((tag) => `~~${escapeMarkdown(tag)}~~`).join(', ')}`] : [])
    ]
    const shown = images.slice(0, 5).join(', ') + (images.length > 5 ? ` and ${images.length - 5} more` : '')
    lines.push(`- ${escapeMarkdown(change.base)}${shown ? ` (${shown})` : ''}: ${parts.join('; ')}`)
  }
  return [...lines, '']
}

function actionRow(entry: RecommendationEntry): string {
  const benefits = (entry.recommendations[0]?.benefits ?? []).slice(0, TOP_BENEFITS).map(escapeMarkdown)
  const cells = [
    escapeMarkdown(entry.image),
    escapeMarkdown(baseReference(entry)),
    formatCounts(entry.baseImage?.vulnerabilities),
    entry.recommendations.map((recommendation) => `${recommendation.kind} **${escapeMarkdown(recommendation.tag)}**`).join('<br>'),
    entry.recommendations.map((recommendation) => formatFixes(recommendation.fixes)).join('<br>'),
    benefits.join('<br>')
  ]
  return `| ${cells.join(' | ')} |`
}

function detailsBlock(entry: RecommendationEntry): string {
  const lines = [`<details><summary>${escapeMarkdown(entry.image)}: ${entry.recommendations.length} recommendation(s)</summary>`, '']
  lines.push(`Base image ${escapeMarkdown(baseReference(entry))}: ${formatCounts(entry.baseImage?.vulnerabilities)}`, '')
  for (const recommendation of entry.recommendations) {
    lines.push(
      `- **${recommendation.kind} ${escapeMarkdown(recommendation.tag)}**: ${formatCounts(recommendation.vulnerabilities)}, ${formatFixes(recommendation.fixes)}`
    )
    for (const benefit of recommendation.benefits) lines.push(`  - ${escapeMarkdown(benefit)}`)
  }
  lines.push('', '</details>', '')
  return lines.join('\n')
}

/** A Mermaid flowchart, which GitHub renders: image → current base → each recommended tag. */
export function renderDiagram(entries: readonly RecommendationEntry[]): string | undefined {
  if (entries.length === 0) return undefined
  const ids = new Map<string, string>()
  const node = (kind: string, label: string): string => {
    const key = `${kind} ${label}`
    let id = ids.get(key)
    if (id === undefined) {
      id = `${kind}${createHash('sha256').update(key).digest('hex').slice(0, 8)}`
      ids.set(key, id)
      lines.push(`  ${id}["${mermaidText(label)}"]`)
    }
    return id
  }
  const lines = ['```mermaid', 'flowchart LR']
  const edges = new Set<string>()
  for (const entry of entries.slice(0, DIAGRAM_IMAGES)) {
    const base = baseReference(entry)
    const baseId = node('b', base)
    edges.add(`  ${node('i', entry.image)} --> ${baseId}`)
    for (const recommendation of entry.recommendations) {
      const label = `${entry.baseImage?.name ?? base}:${recommendation.tag}`
      edges.add(`  ${baseId} -->|${recommendation.kind}| ${node('t', label)}`)
    }
  }
  lines.push(...edges, '```')
  if (entries.length > DIAGRAM_IMAGES) lines.push('', `The diagram shows the first ${DIAGRAM_IMAGES} of ${entries.length} images.`)
  return lines.join('\n')
}
