/**
 * Finds the report files that `reports` patterns name. A pattern that is one file, as written, is taken as
 * it is; anything else (wildcards, a folder, `!` negations) goes to @actions/glob, loaded only then.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'

/** Patterns are newline-separated globs (`!` negates); a directory stands for every file below it. */
export async function matchReportFiles(patterns: readonly string[]): Promise<string[]> {
  const files = await Promise.all(patterns.map(plainFile))
  if (files.every((file) => file !== undefined)) return [...new Set(files as string[])]
  const glob = await import('@actions/glob')
  const globber = await glob.create(patterns.join('\n'), { matchDirectories: false, implicitDescendants: true })
  return [...new Set(await globber.glob())]
}

/** The file a pattern names when it is a plain path to an existing file (no wildcard, no negation). */
async function plainFile(pattern: string): Promise<string | undefined> {
  if (/[*?[\]{}!~#]/.test(pattern) || pattern.trim() !== pattern) return undefined
  const file = path.resolve(pattern)
  const info = await stat(file).catch(() => undefined)
  return info?.isFile() ? file : undefined
}
