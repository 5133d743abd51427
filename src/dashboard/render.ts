/**
 * The dashboard issue's body: its marker, what changed since the last run (read from the state the last
 * run left in the body), then the summary's tables (the one product composed of another), the state last.
 * Writing it is the GitHub room's (`github/dashboard-issue.ts`).
 */
import { createHash } from 'node:crypto'
import { someOf } from '../verdict/wording.js'
import { code } from '../util/markdown.js'
import {
  basisOf,
  compareStates,
  encodeState,
  isRunId,
  readState,
  stateOf,
  withBasis,
  type DashboardChanges,
  type DashboardState
} from './state.js'
import { retag } from '../verdict/entry.js'
import type { RecommendationEntry } from '../types/entry.js'
import { renderSummary, type SummaryOptions } from '../summary/summary.js'

/** GitHub refuses an issue body over 65,536 characters. */
export const ISSUE_LIMIT = 65_536
/** The state may take this much of the body; past it, it keeps the most urgent images and says so. */
const STATE_BUDGET = 30_000
const NAMES_LISTED = 20

export function dashboardMarker(repository: string, title: string): string {
  return `<!-- scout-graph-action:dashboard ${createHash('sha256')
    .update(JSON.stringify([repository, title]))
    .digest('hex')
    .slice(0, 16)} -->`
}

/**
 * The state to keep: with the basis it was compared with, if that fits the budget; else without it (and
 * without its run, so a re-run compares with this state instead); else the most urgent images, `partial`.
 */
function fittedState(state: DashboardState, basis: DashboardState | undefined): { block: string; note?: string } {
  if (basis !== undefined) {
    const withItsBasis = encodeState(withBasis(state, basis))
    if (withItsBasis.length <= STATE_BUDGET) return { block: withItsBasis }
    state = { at: state.at, images: state.images }
  }
  const whole = encodeState(state)
  if (whole.length <= STATE_BUDGET) return { block: whole }
  let count = state.images.length
  let block = whole
  while (block.length > STATE_BUDGET && count > 0) {
    count = Math.floor(((count * STATE_BUDGET) / block.length) * 0.95)
    block = encodeState({ ...state, partial: true, images: state.images.slice(0, count) })
  }
  return {
    block,
    note: `The saved state holds the ${count} most urgent of ${state.images.length} images, so the next comparison is partial (it cannot tell which images joined).`
  }
}

/** "2026-11-23 05:00:00 UTC", written anew from the parsed time (never the stored text). */
const readableTime = (iso: string) =>
  new Date(iso)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC')

const names = (list: readonly string[]) =>
  someOf(
    list.map((name) => code(name)),
    NAMES_LISTED
  )

function changesLines(changes: DashboardChanges, since: string): string[] {
  const perImage = (items: { image: string; base: string; tags: string[] }[]) =>
    items
      .slice(0, NAMES_LISTED)
      .map(({ image, base, tags }) => `  - ${code(image)} on ${code(base)}: ${tags.map((tag) => code(retag(base, tag))).join(', ')}`)
  const more = (items: unknown[]) => (items.length > NAMES_LISTED ? [`  - and ${items.length - NAMES_LISTED} more`] : [])
  const lines = [`### What changed since the last run (${since})`, '']
  if (changes.nowUrgent.length > 0) lines.push(`- 🚨 **Should move now** (new): ${names(changes.nowUrgent)}`)
  if (changes.newTags.length > 0) lines.push('- 🆕 **Newly recommended**:', ...perImage(changes.newTags), ...more(changes.newTags))
  if (changes.newlyAllowed.length > 0)
    lines.push('- 🔓 **Newly allowed** (by the move policy):', ...perImage(changes.newlyAllowed), ...more(changes.newlyAllowed))
  if (changes.goneTags.length > 0) lines.push('- ✅ **No longer recommended**:', ...perImage(changes.goneTags), ...more(changes.goneTags))
  if (changes.moved.length > 0)
    lines.push(
      '- 🔀 **Moved to another base**:',
      ...changes.moved.slice(0, NAMES_LISTED).map(({ image, from, to }) => `  - ${code(image)}: ${code(from)} → ${code(to || 'none')}`),
      ...more(changes.moved)
    )
  if (changes.rose.length > 0)
    lines.push(
      '- 📈 **Base vulnerabilities rose**:',
      ...changes.rose.slice(0, NAMES_LISTED).map(({ image, base, rises }) => `  - ${code(image)} on ${code(base)}: ${rises.join(', ')}`),
      ...more(changes.rose)
    )
  if (changes.joined.length > 0) lines.push(`- ➕ **Joined the list**: ${names(changes.joined)}`)
  if (changes.left.length > 0) lines.push(`- ➖ **Left the list**: ${names(changes.left)}`)
  if (lines.length === 2) lines.push('Nothing changed.')
  return [...lines, '']
}

/** The body: marker, scan time and run, what changed, the summary at the room left, the state last. */
export function renderDashboard(
  entries: readonly RecommendationEntry[],
  previousBody: string | undefined,
  context: {
    marker: string
    at: Date
    run?: string
    runUrl?: string
    fromLines?: SummaryOptions['fromLines']
    fixes?: SummaryOptions['fixes']
  }
): string {
  const at = context.at.toISOString()
  const run = context.run !== undefined && isRunId(context.run) ? context.run : undefined
  const state: DashboardState = { ...stateOf(entries, at), ...(run ? { run } : {}) }
  const previous = previousBody === undefined ? ({ none: true } as const) : readState(previousBody)
  // A re-run of the run that wrote the state compares with what that run compared with: re-runs converge.
  const basis =
    'state' in previous ? (run !== undefined && previous.state.run === run ? basisOf(previous.state) : previous.state) : undefined
  let opening: string[]
  if (basis !== undefined) {
    opening = changesLines(compareStates(basis, state), readableTime(basis.at))
  } else if ('error' in previous) {
    opening = [`> Could not compare with the last run: ${previous.error}. The next run compares with this one.`, '']
  } else {
    opening = ['This is the first run of this dashboard: there is nothing to compare with yet.', '']
  }
  const kept = fittedState(state, basis)
  const head = [
    context.marker,
    `Scanned ${readableTime(at)}${context.runUrl ? ` · [the run](${context.runUrl})` : ''}. Updated by scout-graph-action on each scheduled run; close it to stop the updates.`,
    '',
    ...(kept.note ? [`> ${kept.note}`, ''] : []),
    ...opening
  ].join('\n')
  const tail = `\n${kept.block}\n`
  const summary = renderSummary(entries, {
    limit: ISSUE_LIMIT - head.length - tail.length - 2,
    medium: 'comment',
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    ...(context.fromLines ? { fromLines: context.fromLines } : {}),
    ...(context.fixes ? { fixes: context.fixes } : {})
  })
  return `${head}\n${summary}${tail}`
}
