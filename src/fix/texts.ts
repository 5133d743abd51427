/**
 * What a fix pull request says: the move, why (what it removes and adds, per severity), what it changes,
 * the images on the base, the Dockerfiles and lines it edits, the other options, and how to decline it.
 * Report values are escaped; the GitHub room sends these texts and adds its hidden state.
 */
import type { FixTexts } from '../github/fix-prs.js'
import type { FixPlan } from '../types/fix.js'
import { code, escapeMarkdown } from '../util/markdown.js'
import { optionReference, optionsBestFirst } from '../verdict/rank.js'
import { biggerNote, describeMove, describeNet, describeVulnerabilities, MARKDOWN, someOf } from '../verdict/wording.js'

const IMAGES_NAMED = 20

function body(plan: FixPlan, runUrl: string | undefined): string {
  const [lead] = plan.entries
  const option = lead.recommendations.find((candidate) => candidate.tag === plan.tag && candidate.kind === plan.kind)
  const lines = [
    `Moves ${code(plan.base)} to ${code(plan.target)}, the best move the move policy allows, in every Dockerfile that names it.`,
    ''
  ]
  if (option) {
    const { removes, adds } = describeNet(lead, option, MARKDOWN)
    lines.push(
      `- **Removes** ${removes}${adds ? `; ⚠️ **adds** ${adds}` : ''} (now: ${describeVulnerabilities(lead.baseImage?.vulnerabilities, MARKDOWN)})`,
      `- **Changes** ${escapeMarkdown(describeMove(lead, option) || 'only the build and the patch level')}`
    )
    for (const benefit of option.benefits) lines.push(`  - ${escapeMarkdown(benefit)}`)
  }
  lines.push(
    `- **Images** on this base: ${someOf(
      plan.entries.map((entry) => code(entry.image)),
      IMAGES_NAMED
    )}`,
    '',
    '**Edits**',
    ''
  )
  for (const file of plan.files) {
    lines.push(`- ${code(file.path)}: line ${file.lines.join(', ')}`)
    // A pin keeps its kind: the new multi-platform index, or the same platform's manifest of it.
    for (const pin of file.pins ?? [])
      lines.push(
        `  - line ${pin.line} stays pinned: ${code(pin.digest)}, ${pin.kind === 'index' ? 'the multi-platform index' : `the ${escapeMarkdown(pin.platform ?? '')} manifest of the new index`}, from the registry`
      )
  }
  const others = optionsBestFirst(lead).filter((candidate) => candidate !== option)
  if (others.length > 0) {
    lines.push('', '<details><summary>The other options</summary>', '')
    for (const other of others) {
      const { removes, adds } = describeNet(lead, other, MARKDOWN)
      lines.push(
        `- ${code(optionReference(lead, other))}${escapeMarkdown(biggerNote(lead, other))}: removes ${removes}${adds ? `; adds ${adds}` : ''}`
      )
    }
    lines.push('', '</details>')
  }
  lines.push(
    '',
    `Close this pull request to decline the move: ${code(plan.target)} is not proposed again for ${code(plan.base)} until the best move changes. ` +
      'A commit pushed here by anyone else stops the updates.' +
      (runUrl ? ` Made by [this run](${runUrl}) of scout-graph-action.` : ' Made by scout-graph-action.')
  )
  return lines.join('\n')
}

export const FIX_TEXTS: FixTexts = {
  // One line: a report's values never bring a line break into a title or a commit message.
  title: (plan) =>
    (plan.kind === 'refresh' ? `Refresh ${plan.base} to its newest build` : `Move ${plan.base} to ${plan.target}`)
      .replace(/\p{Cc}+/gu, ' ')
      .slice(0, 250),
  body,
  frozen:
    'This branch has a commit that scout-graph-action did not make, so it no longer updates this pull request: your work is kept. ' +
    'To hand it back, close this pull request and delete the branch; the next run opens a new one.',
  declined: (plan) =>
    `This pull request was closed without merging: ${code(plan.target)} is not proposed again for ${code(plan.base)} until the best move changes. ` +
    'Reopen it to take the move after all.',
  closed: (state) =>
    `${code(state.target)} is no longer the recommended move for ${code(state.base)} (fixed on the default branch, or Docker Scout no longer recommends it): closing, and deleting the branch.`
}
