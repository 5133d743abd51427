/**
 * Which images must move, to what, at what cost: the one ranking behind the summary, the comment, the
 * annotations, the outputs' size cap, the SARIF levels and the dashboard.
 */
import { SEVERITIES, type FixCounts, type Severity } from '../types/report.js'
import { compareCodePoints } from '../util/compare.js'
import { bestFixes, isOutdated, optionsOf } from './entry.js'
import type { RecommendationEntry } from '../types/entry.js'

export type Option = RecommendationEntry['recommendations'][number]

/** What a move removes and what it adds, per severity (the recommended tag against the base). */
export interface NetChange {
  removes: FixCounts
  adds: FixCounts
}

export function netChange(entry: RecommendationEntry, option: Option): NetChange {
  const adds = {} as FixCounts
  const base = entry.baseImage?.vulnerabilities
  for (const severity of SEVERITIES) adds[severity] = base ? Math.max(option.vulnerabilities[severity] - base[severity], 0) : 0
  return { removes: option.fixes, adds }
}

/** Compares two counts severity by severity, critical first: positive when `a` has more. */
export function compareCounts(a: FixCounts, b: FixCounts): number {
  for (const severity of SEVERITIES) if (a[severity] !== b[severity]) return a[severity] - b[severity]
  return 0
}

/** The full reference an option points at: `node:21-slim`. */
export function optionReference(entry: RecommendationEntry, option: Option): string {
  return `${entry.baseImage?.name ?? ''}:${option.tag}`
}

const addsSerious = (change: NetChange) => change.adds.critical > 0 || change.adds.high > 0

/**
 * The option shown first, among those the move policy allows (or, `bigger`, among the others): Scout's
 * first, unless another removes strictly more (critical first, then high, medium, low) without adding any
 * critical or high vulnerability.
 */
export function bestOption(entry: RecommendationEntry, bigger = false): Option | undefined {
  const options = optionsOf(entry, bigger)
  let best = options[0]
  if (best === undefined) return undefined
  let bestChange = netChange(entry, best)
  for (const option of options.slice(1)) {
    const change = netChange(entry, option)
    if (!addsSerious(change) && compareCounts(change.removes, bestChange.removes) > 0) {
      best = option
      bestChange = change
    }
  }
  return best
}

/**
 * The options to propose: the best allowed first, then the other allowed ones, then the bigger moves, each
 * in Scout's order. Options an ignore entry holds back are left out.
 */
export function optionsBestFirst(entry: RecommendationEntry): Option[] {
  const best = bestOption(entry)
  const others = (bigger: boolean) => optionsOf(entry, bigger).filter((option) => option !== best)
  return [...(best ? [best] : []), ...others(false), ...others(true)]
}

/** The entry with its best allowed move named (`bestMove`), as the contract's JSON gives it. */
export function withBestMove(entry: RecommendationEntry): RecommendationEntry {
  if (entry.status !== 'ok') return entry
  const best = bestOption(entry)
  return { ...entry, bestMove: best ? { kind: best.kind, tag: best.tag } : null }
}

/**
 * `now`: an allowed move removes a critical or high vulnerability; `bigger`: only a move the policy does not
 * allow does (or, with no allowed move, removes anything); `may`: allowed moves remove medium or low only;
 * `nothing`: the moves remove nothing; `failed`; `current`: up to date (or every option ignored), or no base image to judge.
 */
export type Urgency = 'now' | 'bigger' | 'may' | 'failed' | 'nothing' | 'current'
export const URGENCIES: readonly Urgency[] = ['now', 'bigger', 'may', 'failed', 'nothing', 'current']

const serious = (fixes: FixCounts) => fixes.critical > 0 || fixes.high > 0

export function urgency(entry: RecommendationEntry): Urgency {
  if (entry.status === 'failed') return 'failed'
  if (entry.status !== 'ok') return 'current'
  const most = bestFixes(entry)
  const removesAny = (fixes: FixCounts) => SEVERITIES.some((severity: Severity) => fixes[severity] > 0)
  const bigger = bestFixes(entry, true)
  if (serious(most)) return 'now'
  // Only a bigger move removes something serious, or, with no allowed move at all, anything.
  if (serious(bigger) || (!isOutdated(entry) && removesAny(bigger))) return 'bigger'
  if (isOutdated(entry)) return removesAny(most) ? 'may' : 'nothing'
  return optionsOf(entry, true).length > 0 ? 'nothing' : 'current'
}

const NO_FIXES: FixCounts = { critical: 0, high: 0, medium: 0, low: 0 }

function bestRemoves(entry: RecommendationEntry): FixCounts {
  const best = bestOption(entry) ?? bestOption(entry, true)
  return best ? best.fixes : NO_FIXES
}

/**
 * The reading order: should move now, may move, failed, moves that remove nothing, the rest; within
 * each, by what the best option removes (critical first), then by image and report.
 */
export function orderForReading(entries: readonly RecommendationEntry[]): RecommendationEntry[] {
  return ranked(entries).map(({ entry }) => entry)
}

/** Groups entries by urgency, each group in reading order. */
export function byUrgency(entries: readonly RecommendationEntry[]): Record<Urgency, RecommendationEntry[]> {
  const groups: Record<Urgency, RecommendationEntry[]> = { now: [], bigger: [], may: [], failed: [], nothing: [], current: [] }
  for (const { entry, urgency } of ranked(entries)) groups[urgency].push(entry)
  return groups
}

/** The entries in reading order, each with its urgency (worked out once). */
function ranked(entries: readonly RecommendationEntry[]): { entry: RecommendationEntry; urgency: Urgency }[] {
  const keyed = entries.map((entry) => {
    const level = urgency(entry)
    return { entry, urgency: level, rank: URGENCIES.indexOf(level), removes: bestRemoves(entry) }
  })
  keyed.sort(
    (a, b) =>
      a.rank - b.rank ||
      compareCounts(b.removes, a.removes) ||
      compareCodePoints(a.entry.image, b.entry.image) ||
      compareCodePoints(a.entry.source, b.entry.source)
  )
  return keyed
}
