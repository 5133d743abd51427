/**
 * Suggestions on a pull request: for each line a fix edits that is inside the pull request's diff at its
 * head commit (an added or context line, with the same text there as in the checkout), one review comment
 * with a `suggestion` block of the rewritten line. Lines outside the diff get none (GitHub refuses the
 * whole review for one bad anchor); they keep their annotation.
 */
import type { FixPlan } from '../types/fix.js'
import { code } from '../util/markdown.js'

export interface Suggestion {
  path: string
  line: number
  body: string
}

/** The right side of a unified diff's hunks: line number → text, for added and context lines. */
export function rightSideLines(patch: string): Map<number, string> {
  const lines = new Map<number, string>()
  let line = 0
  for (const row of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(row)
    if (hunk) line = Number(hunk[1])
    else if (line > 0 && (row.startsWith('+') || row.startsWith(' '))) lines.set(line++, row.slice(1))
    // Removed lines and "\ No newline at end of file" take no right-side number.
  }
  return lines
}

const withoutCr = (text: string) => text.replace(/\r$/, '')

/** The suggestions for the lines of the plans inside the diff (`patches`: path → the file's patch). */
export function suggestionsFor(
  plans: readonly FixPlan[],
  patches: ReadonlyMap<string, string>
): { suggestions: Suggestion[]; outside: number } {
  const suggestions: Suggestion[] = []
  let outside = 0
  for (const plan of plans) {
    for (const file of plan.files) {
      const before = file.before.split('\n')
      const after = file.after.split('\n')
      const right = rightSideLines(patches.get(file.path) ?? '')
      for (const [index, text] of before.entries()) {
        if (text === after[index]) continue
        const line = index + 1
        if (right.get(line) === undefined || withoutCr(right.get(line) as string) !== withoutCr(text)) {
          outside += 1
          continue
        }
        suggestions.push({
          path: file.path,
          line,
          body: `\`\`\`suggestion\n${withoutCr(after[index])}\n\`\`\`\nMoves ${code(plan.base)} to ${code(plan.target)}, the best move the move policy allows.`
        })
      }
    }
  }
  return { suggestions, outside }
}
