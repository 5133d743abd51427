/** The CLI's readable table of recommendations. */
import { baseReference, type RecommendationEntry } from './recommendations.js'
import { formatCounts, formatFixes, orderForReading } from './summary.js'

const HEADER = ['IMAGE', 'BASE', 'BASE VULNS', 'RECOMMENDED', 'FIXES']

export function renderTable(entries: readonly RecommendationEntry[]): string {
  const rows: string[][] = []
  for (const entry of orderForReading(entries)) {
    const lead = [entry.image, baseReference(entry), entry.status === 'ok' ? formatCounts(entry.baseImage?.vulnerabilities) : '']
    if (entry.status !== 'ok') rows.push([...lead, entry.status, entry.error ?? ''])
    else if (entry.recommendations.length === 0) rows.push([...lead, 'up to date', ''])
    entry.recommendations.forEach((recommendation, index) => {
      const cells = index === 0 ? lead : ['', '', '']
      rows.push([...cells, `${recommendation.kind} ${recommendation.tag}`, formatFixes(recommendation.fixes)])
    })
  }
  // Control characters from a report must not reach the terminal.
  const clean = [HEADER, ...rows].map((row) => row.map((cell) => cell.replace(/\p{Cc}/gu, ' ')))
  const widths = HEADER.map((_, column) => Math.max(...clean.map((row) => row[column].length)))
  return `${clean
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd()
    )
    .join('\n')}\n`
}
