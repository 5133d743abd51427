/** Verdict stage: each image's outcome as the contract's entry, which every product then reads. */
import type { ImageOutcome } from '../types/outcome.js'
import type { RecommendationEntry } from '../types/entry.js'
import { toEntry } from '../verdict/entry.js'
import type { Run } from './run.js'

export function verdictStage(_run: Run, outcomes: readonly ImageOutcome[]): RecommendationEntry[] {
  return outcomes.map(toEntry)
}
