/** An image's outcome as the contract's entry, and the facts about it every product reads the same way. */
import { fixCounts } from '../report/derive.js'
import { baseFacts, classify, optionFacts, type MoveFacts } from '../moves/changes.js'
import type { EntryStatus, MoveDetails, RecommendationEntry } from '../types/entry.js'
import { MOVE_CLASSES, type MoveClass, type MovePolicy } from '../types/moves.js'
import { ignoredBy, imageSubject, movesFor, optionTags, policyOf } from '../moves/policy.js'
import { SEVERITIES, type FixCounts, type ParsedReport } from '../types/report.js'
import { outcomeImage, type ImageOutcome } from '../types/outcome.js'

const STATUS: Record<ParsedReport['status'], EntryStatus> = {
  report: 'ok',
  'unidentified-base': 'no-base-image',
  'no-base-image': 'no-base-image',
  'not-a-report': 'not-a-report',
  'scout-error': 'failed',
  incomplete: 'failed',
  undecodable: 'failed'
}

/** The details a comparison used, as the JSON keeps them (`versioned` is the comparison's own). */
const detailsOf = ({ runtime, os, osVersion, slim }: MoveFacts): MoveDetails => ({
  ...(runtime !== undefined ? { runtime } : {}),
  ...(os !== undefined ? { os } : {}),
  ...(osVersion !== undefined ? { osVersion } : {}),
  slim
})

const ANY_MOVE = policyOf(MOVE_CLASSES)

/** The entry of one outcome, each option judged by the move policy (by default, every move allowed). */
export function toEntry(outcome: ImageOutcome, policy: MovePolicy = ANY_MOVE): RecommendationEntry {
  const { parsed } = outcome
  const image = outcomeImage(outcome)
  if (parsed === undefined)
    return { image, source: outcome.source, status: 'failed', error: outcome.error ?? 'no report', recommendations: [] }
  const base = parsed.base
  const subject = imageSubject(image, parsed)
  // The base's facts once, for every option and for the JSON.
  const current = base ? baseFacts(base) : undefined
  const allowedMoves = movesFor(policy, subject)
  const entry: RecommendationEntry = {
    image,
    source: outcome.source,
    status: STATUS[parsed.status],
    ...(parsed.reason !== undefined ? { error: parsed.reason } : {}),
    ...(parsed.warnings.length > 0 ? { warnings: parsed.warnings } : {}),
    ...(parsed.target !== undefined ? { target: parsed.target } : {}),
    ...(parsed.digest !== undefined ? { digest: parsed.digest } : {}),
    recommendations: parsed.recommendations.map((recommendation) => {
      const facts = base ? optionFacts(base, recommendation) : undefined
      const changes: MoveClass[] = current && facts ? classify(recommendation.kind, current, facts) : ['unknown']
      const ignored = ignoredBy(policy, { ...subject, tags: optionTags(recommendation) })
      return {
        kind: recommendation.kind,
        tag: recommendation.tag,
        ...(recommendation.headline !== undefined ? { headline: recommendation.headline } : {}),
        benefits: recommendation.benefits,
        vulnerabilities: recommendation.vulnerabilities,
        fixes: fixCounts(base?.vulnerabilities, recommendation.vulnerabilities),
        changes,
        allowed: ignored === undefined && changes.every((change) => allowedMoves.includes(change)),
        ...(ignored ? { ignored: { reason: ignored.reason, until: ignored.until } } : {}),
        ...(facts ? detailsOf(facts) : {})
      }
    })
  }
  if (base !== undefined) {
    entry.baseImage = {
      name: base.name,
      tag: base.tag,
      ...(base.digest !== undefined ? { digest: base.digest } : {}),
      ...(base.vulnerabilities !== undefined ? { vulnerabilities: base.vulnerabilities } : {}),
      ...detailsOf(current as MoveFacts)
    }
  }
  return entry
}

/** An image the move policy lets move: it has an allowed option. */
export function isOutdated(entry: RecommendationEntry): boolean {
  return entry.status === 'ok' && entry.recommendations.some((option) => option.allowed)
}

type Option = RecommendationEntry['recommendations'][number]

/** A move the policy does not allow, and that no ignore entry has set aside: shown as a bigger move. */
export const isBiggerMove = (option: Option): boolean => !option.allowed && option.ignored === undefined

/** The allowed options, or (`bigger`) the bigger moves; ignored options are in neither. */
export function optionsOf(entry: RecommendationEntry, bigger = false): Option[] {
  return entry.recommendations.filter(bigger ? isBiggerMove : (option) => option.allowed)
}

/** The most a single recommendation removes, per severity: of the allowed ones, or (`bigger`) of the bigger moves. */
export function bestFixes(entry: RecommendationEntry, bigger = false): FixCounts {
  const best = { critical: 0, high: 0, medium: 0, low: 0 }
  for (const recommendation of optionsOf(entry, bigger)) {
    for (const severity of SEVERITIES) best[severity] = Math.max(best[severity], recommendation.fixes[severity])
  }
  return best
}

export function baseReference(entry: RecommendationEntry): string {
  return entry.baseImage ? `${entry.baseImage.name}:${entry.baseImage.tag}` : ''
}

/** Another tag of a base reference: `node:20` with `22` is `node:22`. */
export function retag(base: string, tag: string): string {
  return `${base.slice(0, base.lastIndexOf(':'))}:${tag}`
}
