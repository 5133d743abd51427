/**
 * What a fix proposes: for each base image with an allowed best move, every `FROM` that names it, in every
 * Dockerfile found, moved to that move's tag; all of them or none (one line that cannot be moved keeps
 * the whole base out, with the reason). Bases come in the one reading order, the most urgent first.
 */
import { readFroms } from '../dockerfile/parse.js'
import { rewriteFroms } from '../dockerfile/rewrite.js'
import type { FileFix, FixPlan, FixProposals, NewPin, NotProposed } from '../types/fix.js'
import type { Located, RecommendationEntry } from '../types/entry.js'
import { baseReference, retag } from '../verdict/entry.js'
import { orderForReading } from '../verdict/rank.js'
import { compareCodePoints } from '../util/compare.js'

/** A tag as Docker's reference grammar writes it; anything else from a report is not written to a Dockerfile. */
const DOCKER_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/

/** Reads a workspace file (path relative to the workspace); undefined when it is gone. */
export type ReadWorkspaceFile = (path: string) => Promise<string | undefined>

/** The new pin of a pinned `FROM` (repository, its pinned digest, the move's tag), from the registry. */
export type PinLookup = (repository: string, pinned: string, tag: string) => Promise<Omit<NewPin, 'line'> | { problem: string }>

export async function planFixes(
  entries: readonly RecommendationEntry[],
  located: Located,
  read: ReadWorkspaceFile,
  pinFor?: PinLookup
): Promise<FixProposals> {
  const byBase = new Map<string, RecommendationEntry[]>()
  for (const entry of orderForReading(entries)) {
    if (!entry.bestMove || !entry.baseImage?.name || !located.has(entry)) continue
    const base = baseReference(entry)
    byBase.set(base, [...(byBase.get(base) ?? []), entry])
  }
  const plans: FixPlan[] = []
  const notProposed: NotProposed[] = []
  for (const [base, group] of byBase) {
    const move = group[0].bestMove as NonNullable<RecommendationEntry['bestMove']>
    if (!DOCKER_TAG.test(move.tag)) {
      notProposed.push({ base, reason: `the tag ${JSON.stringify(move.tag.slice(0, 80))} is not a Docker tag` })
      continue
    }
    const lines = new Map<string, Set<number>>()
    for (const from of group.flatMap((entry) => located.get(entry) ?? [])) {
      if (from.outside) continue
      lines.set(from.path, (lines.get(from.path) ?? new Set()).add(from.line))
    }
    const files: FileFix[] = []
    let refused: NotProposed | undefined
    for (const [path, numbers] of [...lines].sort(([a], [b]) => compareCodePoints(a, b))) {
      // A name with a control character could break the patch's headers: such a file is not edited.
      const before = /\p{Cc}/u.test(path) ? undefined : await read(path)
      if (before === undefined) {
        refused = { base, path, reason: 'the Dockerfile could not be read again' }
        break
      }
      const pinned = await pinsOf(before, numbers, move.tag, pinFor)
      if (!(pinned instanceof Map)) {
        refused = { base, path, ...pinned }
        break
      }
      const digests = new Map([...pinned].map(([line, pin]) => [line, pin.digest]))
      const rewritten = rewriteFroms(
        before,
        [...numbers].sort((a, b) => a - b),
        move.tag,
        digests
      )
      if ('skipped' in rewritten) {
        refused = { base, path, line: rewritten.skipped.line, reason: rewritten.skipped.reason }
        break
      }
      if (rewritten.text !== before)
        files.push({
          path,
          before,
          after: rewritten.text,
          lines: rewritten.lines,
          ...(pinned.size > 0 ? { pins: [...pinned.values()] } : {})
        })
    }
    if (refused) notProposed.push(refused)
    else if (files.length > 0) plans.push({ base, tag: move.tag, target: retag(base, move.tag), kind: move.kind, entries: group, files })
  }
  return { plans, notProposed }
}

/** The new digest of each pinned `FROM` among `lines`, or the first one that cannot be had, and why. */
async function pinsOf(
  text: string,
  lines: ReadonlySet<number>,
  tag: string,
  pinFor: PinLookup | undefined
): Promise<Map<number, NewPin> | { line: number; reason: string }> {
  const pins = new Map<number, NewPin>()
  for (const from of readFroms(text).filter((candidate) => lines.has(candidate.line) && candidate.image.digest)) {
    if (!pinFor) return { line: from.line, reason: 'pinned by digest: not proposed until its new digest is known' }
    const pin = await pinFor(from.image.repository, from.image.digest as string, tag)
    if ('problem' in pin) return { line: from.line, reason: `pinned by digest, and the new digest is unknown: ${pin.problem}` }
    pins.set(from.line, { line: from.line, ...pin })
  }
  return pins
}
