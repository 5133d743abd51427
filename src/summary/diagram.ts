/**
 * A Mermaid flowchart of what the table does not show: the base images in use, how many images sit on
 * each, and where each base should go (its images' best moves). Capped well under Mermaid's limits.
 */
import { createHash } from 'node:crypto'
import { bestOption, optionReference, orderForReading } from '../verdict/rank.js'
import { baseReference, isOutdated } from '../verdict/entry.js'
import type { RecommendationEntry } from '../types/entry.js'

/** The most base images drawn; the most urgent come first. */
export const DIAGRAM_BASES = 25

/** Text inside a quoted Mermaid label: everything but plain characters as Mermaid entity codes. */
function mermaidText(text: string): string {
  return text.replace(/[^A-Za-z0-9 .:/_+-]/gu, (ch) => `#${ch.codePointAt(0)};`)
}

const nodeId = (kind: string, label: string) => `${kind}${createHash('sha256').update(label).digest('hex').slice(0, 10)}`

export function renderDiagram(entries: readonly RecommendationEntry[]): string | undefined {
  const bases = new Map<string, { images: number; moves: Map<string, string> }>()
  for (const entry of orderForReading(entries).filter(isOutdated)) {
    const base = baseReference(entry)
    const best = bestOption(entry)
    if (best === undefined) continue
    const seen = bases.get(base) ?? { images: 0, moves: new Map<string, string>() }
    seen.images += 1
    seen.moves.set(optionReference(entry, best), best.kind)
    bases.set(base, seen)
  }
  if (bases.size === 0) return undefined
  const lines = ['```mermaid', 'flowchart LR']
  const targets = new Set<string>()
  const drawn = [...bases].slice(0, DIAGRAM_BASES)
  for (const [base, { images }] of drawn)
    lines.push(`  ${nodeId('b', base)}["${mermaidText(`${base} · ${images} ${images === 1 ? 'image' : 'images'}`)}"]`)
  for (const [base, { moves }] of drawn) {
    for (const [target, kind] of moves) {
      if (!targets.has(target)) lines.push(`  ${nodeId('t', target)}(["${mermaidText(target)}"])`)
      targets.add(target)
      lines.push(`  ${nodeId('b', base)} -->|${kind}| ${nodeId('t', target)}`)
    }
  }
  lines.push('```')
  if (bases.size > DIAGRAM_BASES) lines.push('', `The diagram shows the ${DIAGRAM_BASES} most urgent of ${bases.size} base images.`)
  return lines.join('\n')
}
