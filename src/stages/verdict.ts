/** Verdict stage: each image's outcome as the contract's entry, under the move policy, which every product then reads. */
import { outcomeImage, type ImageOutcome } from '../types/outcome.js'
import type { RecommendationEntry } from '../types/entry.js'
import { toEntry } from '../verdict/entry.js'
import { withBestMove } from '../verdict/rank.js'
import type { Run } from './run.js'
import { imageSubject, policyMessages } from '../moves/policy.js'

export function verdictStage({ settings, host }: Run, outcomes: readonly ImageOutcome[]): RecommendationEntry[] {
  const entries = outcomes.map((outcome) => withBestMove(toEntry(outcome, settings.movePolicy)))
  const subjects = outcomes.map((outcome) => imageSubject(outcomeImage(outcome), outcome.parsed))
  const { warnings, notices } = policyMessages(settings.movePolicy, subjects, { wholeRun: settings.shard === undefined })
  for (const { message, place } of warnings) host.warning(message, { title: 'Move policy', file: place.file, startLine: place.line })
  for (const { message, place } of notices) host.notice(`${place.file}:${place.line}: ${message}`)
  return entries
}
