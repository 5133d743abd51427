/** Summary stage: the job summary, and the view of the run every text product renders from. */
import { runUrl } from '../github/client.js'
import { renderSummary, type SummaryOptions } from '../summary/summary.js'
import type { Located, RecommendationEntry } from '../types/entry.js'
import type { BaseChange } from '../types/graph-change.js'
import type { Run } from './run.js'

/** What the summary, the comment and the dashboard all show besides the entries. */
export type RunView = Required<Pick<SummaryOptions, 'fromLines'>> & Pick<SummaryOptions, 'runUrl' | 'changes' | 'fixes'>

export function runView(
  { settings }: Run,
  located: Located,
  changes: readonly BaseChange[] | undefined,
  fixes: SummaryOptions['fixes']
): RunView {
  const link = runUrl(settings.github)
  return {
    ...(link ? { runUrl: link } : {}),
    ...(changes ? { changes } : {}),
    ...(fixes ? { fixes } : {}),
    fromLines: (entry) => located.get(entry) ?? []
  }
}

export async function summaryStage({ settings, host }: Run, entries: readonly RecommendationEntry[], view: RunView): Promise<void> {
  if (settings.summary) await host.group('Write the job summary', () => host.writeSummary(renderSummary(entries, view)))
}
