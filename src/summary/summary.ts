/**
 * The job summary, the pull-request comment and the CLI's `--summary-file`: which images must move, to
 * what, and at what cost, in the order of `orderForReading`. The first screen is the headline and the
 * images that should move now; every option with its benefits, the images whose moves remove nothing,
 * the up-to-date ones and the diagram are folded. It always fits the size it is given: option folds,
 * then the diagram, then rows from the end give way, with a note at the top; it never fails for size.
 */
import type { BaseChange } from '../types/graph-change.js'
import { renderDiagram } from './diagram.js'
import { largestFitting } from '../util/fit.js'
import { biggerNote, describeMove, describeNet, describeVulnerabilities, HTML, MARKDOWN, someOf } from '../verdict/wording.js'
import { code, escapeHtml, escapeMarkdown, htmlCode } from '../util/markdown.js'
import { bestOption, byUrgency, optionReference, orderForReading, type Option, type Urgency } from '../verdict/rank.js'
import { baseReference, isBiggerMove, retag } from '../verdict/entry.js'
import type { RecommendationEntry } from '../types/entry.js'
import type { FromLine } from '../types/dockerfile.js'
import type { FixProposals, FixResult } from '../types/fix.js'

/** GitHub refuses a step summary over 1 MiB of UTF-8; keep clear of it. */
export const SUMMARY_LIMIT = 1_000_000
/** Past this, the changes since the last scan are counted rather than listed. */
const CHANGES_LISTED = 30

export interface SummaryOptions {
  /**
   * The most the Markdown may take: UTF-8 bytes for the job summary (GitHub counts bytes, and an emoji
   * is four of them), characters for a comment or an issue body (GitHub counts characters).
   */
  limit?: number
  /** Recommendations gained or lost since the previous update tag (known when Neo4j is configured). */
  changes?: readonly BaseChange[]
  /** The run, always linked, and where the notes on what was left out point. */
  runUrl?: string
  /** `comment`: the notes point to the job summary rather than the artifact. */
  medium?: 'summary' | 'comment'
  /** The Dockerfile `FROM` lines each image's base is used on, when known. */
  fromLines?: (entry: RecommendationEntry) => readonly FromLine[]
  /** The fixes proposed (the patch), and what the fix pull requests came to when they ran. */
  fixes?: { proposals: FixProposals; result?: FixResult }
}

const TITLES: Record<Exclude<Urgency, 'nothing' | 'current'>, string> = {
  now: '🚨 Should move now',
  bigger: '⚠️ Needs a bigger move',
  may: 'May move',
  failed: '❌ Failed'
}

/** The image, told apart from others of the same name by its digest and report. */
function imageLabel(entry: RecommendationEntry, duplicates: ReadonlySet<string>): { name: string; extra?: string } {
  if (!duplicates.has(entry.image)) return { name: entry.image }
  const report = `report ${entry.source.split(/[\\/]/).pop() ?? ''}`
  return { name: entry.image, extra: entry.digest ? `digest ${entry.digest}, ${report}` : report }
}

export function renderSummary(entries: readonly RecommendationEntry[], options: SummaryOptions = {}): string {
  const limit = options.limit ?? SUMMARY_LIMIT
  const size = options.medium === 'comment' ? (text: string) => text.length : (text: string) => Buffer.byteLength(text)
  const groups = byUrgency(entries)
  const seen = new Set<string>()
  const duplicates = new Set(entries.map((entry) => entry.image).filter((image) => seen.has(image) || !seen.add(image)))
  const where =
    options.medium === 'comment'
      ? `the job summary${options.runUrl ? ` of [this run](${options.runUrl})` : ''}`
      : options.runUrl
        ? `the [run's artifact](${options.runUrl})`
        : "the run's artifact and the `recommendations` output"
  const fromLines = options.fromLines ?? (() => [])

  const imageCell = (entry: RecommendationEntry) => {
    const label = imageLabel(entry, duplicates)
    const lines = fromLines(entry).map((from) => locationLink(from))
    return [code(label.name, true), ...(label.extra ? [escapeMarkdown(`(${label.extra})`)] : []), ...lines].join('<br>')
  }
  const moveRow = (entry: RecommendationEntry) => {
    const best = (bestOption(entry) ?? bestOption(entry, true)) as Option
    const others = entry.recommendations.length - 1
    return `| ${imageCell(entry)} | ${moveText(entry, best, true)} | ${netText(entry, best)} | ${others > 0 ? `+${others} more` : 'only option'} |`
  }
  // Only moves the policy does not allow remove a critical or high: every way out, with what it changes.
  const biggerRow = (entry: RecommendationEntry) => {
    const ways = entry.recommendations
      .filter(isBiggerMove)
      .map(
        (option) =>
          `${moveText(entry, option, true)} (${escapeMarkdown(describeMove(entry, option) || 'the build')}): ${netText(entry, option).replace('<br>', '; ')}`
      )
    return `| ${imageCell(entry)} | ${ways.join('<br>')} |`
  }
  const moveTable = (rows: string[]) => ['| Image | Best move | Net change | Other options |', '| --- | --- | --- | --- |', ...rows, '']
  const failedRow = (entry: RecommendationEntry) => `| ${imageCell(entry)} | ${escapeMarkdown(entry.error ?? 'failed')} |`
  const currentRow = (entry: RecommendationEntry) => {
    const base = baseReference(entry)
    const held = entry.recommendations.filter((option) => option.ignored).length
    const result =
      entry.status === 'ok'
        ? `${held > 0 ? 'every option ignored, see below' : 'up to date'} (${describeVulnerabilities(entry.baseImage?.vulnerabilities, MARKDOWN)})`
        : escapeMarkdown(
            `${entry.status === 'no-base-image' ? 'no base image to judge' : entry.status}${entry.error ? `: ${entry.error}` : ''}`
          )
    return `| ${imageCell(entry)} | ${base ? code(base, true) : '—'} | ${result} |`
  }

  const rows = {
    now: groups.now.map(moveRow),
    bigger: groups.bigger.map(biggerRow),
    may: groups.may.map(moveRow),
    failed: groups.failed.map(failedRow),
    nothing: groups.nothing.map(moveRow),
    current: groups.current.map(currentRow)
  }
  const folds = [...groups.now, ...groups.may, ...groups.nothing].map((entry) => optionsFold(entry, imageLabel(entry, duplicates)))
  const ignored = ignoredSection(orderForReading(entries), imageCell)
  const fixes = options.fixes ? fixesSection(options.fixes, where) : []
  const diagram = renderDiagram(entries)
  const head = headline(entries.length, groups, options.runUrl)
  const changes = options.changes ? changesSection(options.changes, entries) : []

  const assemble = (kept: Record<Urgency, string[]>, withDiagram: boolean, foldCount: number, notes: string[]) => {
    const sections: string[] = [...head, ...notes.map((note) => `> ${note}\n`), ...changes]
    if (kept.now.length > 0) sections.push(`### ${TITLES.now} (${groups.now.length})`, '', ...moveTable(kept.now))
    if (kept.bigger.length > 0)
      sections.push(
        `### ${TITLES.bigger} (${groups.bigger.length})`,
        '',
        'Only a move the move policy (`moves`) does not allow removes a critical or high vulnerability (or, where no move is allowed, any vulnerability):',
        '',
        '| Image | Ways out, and what each changes |',
        '| --- | --- |',
        ...kept.bigger,
        ''
      )
    if (kept.may.length > 0) sections.push(`### ${TITLES.may} (${groups.may.length})`, '', ...moveTable(kept.may))
    if (kept.failed.length > 0)
      sections.push(`### ${TITLES.failed} (${groups.failed.length})`, '', '| Image | Cause |', '| --- | --- |', ...kept.failed, '')
    if (kept.nothing.length > 0)
      sections.push(
        `<details><summary>${groups.nothing.length} image(s) whose every move removes nothing</summary>`,
        '',
        ...moveTable(kept.nothing),
        '</details>',
        ''
      )
    if (kept.current.length > 0)
      sections.push(
        `<details><summary>${groups.current.length} image(s) up to date, or without a base image to judge</summary>`,
        '',
        '| Image | Base image | Result |',
        '| --- | --- | --- |',
        ...kept.current,
        '',
        '</details>',
        ''
      )
    sections.push(...fixes, ...ignored)
    if (withDiagram && diagram)
      sections.push('<details><summary>Bases in use, and where each should go</summary>', '', diagram, '', '</details>', '')
    if (foldCount > 0) sections.push('### Every option, by image', '', ...folds.slice(0, foldCount))
    return sections.join('\n')
  }

  const complete = assemble(rows, true, folds.length, [])
  if (size(complete) <= limit) return complete
  // Too big: option folds give way from the end (the least urgent), then the diagram, then table rows.
  const foldNote = (kept: number) =>
    `The options of ${folds.length - kept} image(s) are left out to stay under GitHub's size limit; everything is in ${where}.`
  const keptFolds = largestFitting(folds.length, (count) => size(assemble(rows, true, count, [foldNote(count)])) <= limit)
  if (keptFolds !== undefined) return assemble(rows, true, keptFolds, [foldNote(keptFolds)])
  const listed = (['now', 'bigger', 'may', 'failed', 'nothing', 'current'] as const).flatMap((urgency) =>
    rows[urgency].map((row) => ({ urgency, row }))
  )
  const withRows = (count: number) => {
    const kept: Record<Urgency, string[]> = { now: [], bigger: [], may: [], failed: [], nothing: [], current: [] }
    for (const { urgency, row } of listed.slice(0, count)) kept[urgency].push(row)
    const left = listed.length - count
    const note = `To stay under GitHub's size limit, the options and the diagram are left out${left > 0 ? `, and ${left} image(s) are not listed` : ''}; everything is in ${where}.`
    return assemble(kept, false, 0, [note])
  }
  const count = largestFitting(listed.length, (count) => size(withRows(count)) <= limit) ?? 0
  let fitted = withRows(count)
  // Only a limit smaller than the headline gets here: cut at lines, outside any block.
  while (size(fitted) > limit) fitted = fitted.slice(0, Math.max(fitted.lastIndexOf('\n'), 0))
  return fitted
}

function headline(total: number, groups: Record<Urgency, RecommendationEntry[]>, runUrl: string | undefined): string[] {
  const facts = [
    `🚨 **${groups.now.length} should move now** (an allowed move removes critical or high)`,
    `⚠️ **${groups.bigger.length} need a bigger move** (only a move the policy does not allow removes critical or high, or anything at all)`,
    `**${groups.may.length} may move** (medium or low only)`,
    `${groups.nothing.length} with moves that remove nothing`,
    groups.failed.length > 0 ? `❌ **${groups.failed.length} failed**` : '0 failed',
    `${groups.current.length} up to date or without a base to judge`
  ]
  const run = runUrl ? ` · [the run](${runUrl})` : ''
  return [
    '## Docker Scout base image recommendations',
    '',
    `**${total}** image(s)${run}`,
    '',
    facts.map((fact) => `- ${fact}`).join('\n'),
    ''
  ]
}

/** Markdown for a move: "`node:10` → `node:21-slim`", or "rebuild on a newer `alpine:3`" for a refresh. */
function moveText(entry: RecommendationEntry, option: Option, inTable = false): string {
  const target = code(optionReference(entry, option), inTable)
  return option.kind === 'refresh' ? `rebuild on a newer ${target}` : `${code(baseReference(entry), inTable)} → ${target}`
}

function netText(entry: RecommendationEntry, option: Option): string {
  const { removes, adds } = describeNet(entry, option, MARKDOWN)
  return `removes ${removes}${adds ? `<br>⚠️ adds ${adds}` : ''}`
}

function locationLink(from: FromLine): string {
  const text = code(`${from.path}:${from.line}`, true)
  return from.url ? `[${text}](${from.url})` : text
}

/** One image's fold: the title says the best move and what it removes; inside, every option with its benefits. */
function optionsFold(entry: RecommendationEntry, label: { name: string; extra?: string }): string {
  const best = (bestOption(entry) ?? bestOption(entry, true)) as Option
  const target = htmlCode(optionReference(entry, best))
  const move = best.kind === 'refresh' ? `rebuild on a newer ${target}` : `move to ${target}`
  const title =
    `${htmlCode(label.name)}${label.extra ? ` (${escapeHtml(label.extra)})` : ''}: ${move}, ` +
    `removes ${describeNet(entry, best, HTML).removes}; ${entry.recommendations.length} option(s)`
  const lines = [
    `<details><summary>${title}</summary>`,
    '',
    `Now on ${code(baseReference(entry))}: ${describeVulnerabilities(entry.baseImage?.vulnerabilities, MARKDOWN)}.`,
    ''
  ]
  for (const option of entry.recommendations) {
    const { removes, adds } = describeNet(entry, option, MARKDOWN)
    const mark = option === best && entry.recommendations.length > 1 ? ' ⭐ best' : ''
    lines.push(
      `- ${moveText(entry, option)}${mark}${escapeMarkdown(biggerNote(entry, option))}: removes ${removes}${adds ? `; ⚠️ adds ${adds}` : ''}`
    )
    for (const benefit of option.benefits) lines.push(`  - ${escapeMarkdown(benefit)}`)
  }
  lines.push('', '</details>', '')
  return lines.join('\n')
}

/** How many bases the fixes section names per list. */
const FIXES_LISTED = 20

/** The moves proposed as a patch (and as fix pull requests, when they ran), and the bases left out and why. */
function fixesSection({ proposals, result }: NonNullable<SummaryOptions['fixes']>, where: string): string[] {
  if (proposals.plans.length === 0 && proposals.notProposed.length === 0) return []
  const names = (bases: readonly string[]) =>
    someOf(
      bases.map((base) => code(base)),
      FIXES_LISTED
    )
  const lines = ['### Fixes', '']
  if (proposals.plans.length > 0) {
    const moves = proposals.plans.slice(0, FIXES_LISTED).map((plan) => `${code(plan.base)} → ${code(plan.target)}`)
    lines.push(
      `- **${proposals.plans.length} base(s) to move**, every \`FROM\` that names each: ${moves.join(', ')}${proposals.plans.length > FIXES_LISTED ? ', …' : ''}. ` +
        `The change is \`fix.patch\` (\`git apply\` takes it) in ${where}.`
    )
    // Pinned lines get new digests: a refresh of a pin is a base whose digest fell behind its tag.
    for (const plan of proposals.plans.slice(0, FIXES_LISTED)) {
      const pins = plan.files.flatMap((file) => (file.pins ?? []).map((pin) => ({ path: file.path, ...pin })))
      if (pins.length === 0) continue
      const shown = pins.map(
        (pin) =>
          `${code(`${pin.path}:${pin.line}`)} → ${code(pin.digest.slice(0, 19))}… (${pin.kind === 'index' ? 'index' : escapeMarkdown(pin.platform ?? 'manifest')})`
      )
      lines.push(
        `- ${plan.kind === 'refresh' ? '**Digest behind**' : 'Pinned'}: ${code(plan.base)}, new digest${pins.length > 1 ? 's' : ''} from the registry: ${someOf(shown, 5)}`
      )
    }
  }
  if (result) {
    const lists: [Exclude<keyof FixResult, 'skipped'>, string][] = [
      ['opened', 'Opened'],
      ['updated', 'Updated'],
      ['unchanged', 'Up to date'],
      ['waiting', `Waiting (over fix-pr-limit)`],
      ['declined', 'Declined (closed without merging)'],
      ['frozen', 'Frozen (someone else committed)'],
      ['closed', 'Closed (no longer recommended)']
    ]
    for (const [key, title] of lists) {
      if (result[key].length > 0) lines.push(`- ${title}: ${names(result[key])}`)
    }
    for (const skipped of result.skipped.slice(0, FIXES_LISTED))
      lines.push(`- Not written: ${code(skipped.base)}: ${escapeMarkdown(skipped.reason)}`)
  }
  for (const skipped of proposals.notProposed.slice(0, FIXES_LISTED)) {
    const place = skipped.path ? ` (${code(`${skipped.path}${skipped.line ? `:${skipped.line}` : ''}`)})` : ''
    lines.push(`- Not proposed: ${code(skipped.base)}${place}: ${escapeMarkdown(skipped.reason)}`)
  }
  return [...lines, '']
}

/** How many held-back options the "ignored" fold lists; the rest are counted. */
const IGNORED_LISTED = 50

/** The options the policy file's ignore entries hold back, each with its reason and last day. */
function ignoredSection(entries: readonly RecommendationEntry[], imageCell: (entry: RecommendationEntry) => string): string[] {
  const held = entries.flatMap((entry) => entry.recommendations.filter((option) => option.ignored).map((option) => ({ entry, option })))
  if (held.length === 0) return []
  const rows = held.slice(0, IGNORED_LISTED).map(({ entry, option }) => {
    const ignored = option.ignored as { reason: string; until: string }
    return `| ${imageCell(entry)} | ${moveText(entry, option, true)} | ${escapeMarkdown(ignored.reason)} | ${escapeMarkdown(ignored.until)} |`
  })
  return [
    `<details><summary>${held.length} option(s) ignored by the policy file</summary>`,
    '',
    '| Image | Option held back | Reason | Until |',
    '| --- | --- | --- | --- |',
    ...rows,
    ...(held.length > IGNORED_LISTED ? [`| and ${held.length - IGNORED_LISTED} more | | | |`] : []),
    '',
    '</details>',
    ''
  ]
}

/** "Changed since the last scan": news for a nightly reader, per base image, with the images on it. */
function changesSection(changes: readonly BaseChange[], entries: readonly RecommendationEntry[]): string[] {
  if (changes.length === 0) return ['No recommendation changed since the last scan.', '']
  const lines = ['### Changed since the last scan', '']
  for (const change of changes.slice(0, CHANGES_LISTED)) {
    const images = entries.filter((entry) => entry.baseImage && baseReference(entry) === change.base).map((entry) => code(entry.image))
    const parts = [
      ...(change.gained.length > 0 ? [`newly recommended ${change.gained.map((tag) => code(retag(change.base, tag))).join(', ')}`] : []),
      ...(change.lost.length > 0
        ? [`no longer recommended ${change.lost.map((tag) => `~~${code(retag(change.base, tag))}~~`).join(', ')}`]
        : [])
    ]
    const shown = someOf(images, 5)
    lines.push(`- ${code(change.base)}${shown ? ` (${shown})` : ''}: ${parts.join('; ')}`)
  }
  if (changes.length > CHANGES_LISTED) lines.push(`- and ${changes.length - CHANGES_LISTED} more base image(s)`)
  return [...lines, '']
}
