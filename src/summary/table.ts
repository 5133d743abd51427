/** The CLI's readable table: the summary's order and net change, one line per option (the best first). */
import { biggerNote, describeNet, PLAIN } from '../verdict/wording.js'
import { optionReference, optionsBestFirst, orderForReading } from '../verdict/rank.js'
import { baseReference } from '../verdict/entry.js'
import type { RecommendationEntry } from '../types/entry.js'

const HEADER = ['IMAGE', 'BASE', 'MOVE', 'REMOVES', 'ADDS']

export function renderTable(entries: readonly RecommendationEntry[]): string {
  const rows: string[][] = []
  for (const entry of orderForReading(entries)) {
    const lead = [entry.image, baseReference(entry)]
    if (entry.status !== 'ok') rows.push([...lead, entry.status, entry.error ?? '', ''])
    else if (entry.recommendations.length === 0) rows.push([...lead, 'up to date', '', ''])
    // The options to propose, then those an ignore entry holds back, marked.
    ;[...optionsBestFirst(entry), ...entry.recommendations.filter((option) => option.ignored)].forEach((option, index) => {
      const { removes, adds } = describeNet(entry, option, PLAIN)
      rows.push([
        ...(index === 0 ? lead : ['', '']),
        `${option.kind} ${optionReference(entry, option)}${biggerNote(entry, option)}`,
        removes,
        adds
      ])
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
