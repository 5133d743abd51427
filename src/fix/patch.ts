/**
 * The fixes as one unified diff that `git apply` takes on a clean checkout: the dry run of the fix pull
 * requests, written on every run. A file two bases share carries both moves.
 */
import { createTwoFilesPatch } from 'diff'
import type { FixPlan } from '../types/fix.js'
import { compareCodePoints } from '../util/compare.js'

export function renderPatch(plans: readonly FixPlan[]): string {
  const files = new Map<string, { before: string; after: string }>()
  for (const plan of plans) {
    for (const file of plan.files) {
      const seen = files.get(file.path)
      // Moves edit single references and never add or remove lines, so a second base's edits apply on top.
      files.set(file.path, { before: seen?.before ?? file.before, after: seen ? applyOnto(seen.after, file) : file.after })
    }
  }
  return [...files]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([path, { before, after }]) => `diff --git a/${path} b/${path}\n${body(path, before, after)}`)
    .join('')
}

/** The hunks, without the `Index:` and `===` lines jsdiff puts first. */
function body(path: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 })
  return patch.slice(patch.indexOf('--- ')).replace(/^(---|\+\+\+) ([^\n]*?)\t[^\n]*$/gm, '$1 $2')
}

/** Another base's edits of the same file, applied line by line onto the text so far. */
function applyOnto(text: string, file: { before: string; after: string; lines: number[] }): string {
  const lines = text.split('\n')
  const from = file.before.split('\n')
  const to = file.after.split('\n')
  for (const number of file.lines) {
    if (lines[number - 1] === from[number - 1]) lines[number - 1] = to[number - 1]
  }
  return lines.join('\n')
}
