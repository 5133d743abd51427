/** Verdict stage: each image's outcome as the contract's entry, under the move policy, which every product then reads. */
import type { ImageOutcome } from '../types/outcome.js'
import type { RecommendationEntry } from '../types/entry.js'
import { toEntry } from '../verdict/entry.js'
import { withBestMove } from '../verdict/rank.js'
import type { Run } from './run.js'

export function verdictStage({ settings }: Run, outcomes: readonly ImageOutcome[]): RecommendationEntry[] {
  return outcomes.map((outcome) => withBestMove(toEntry(outcome, settings.allowedMoves)))
}
