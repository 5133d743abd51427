/** Finds the report files that `reports` patterns name. @actions/glob loads only when there are patterns. */

/** Patterns are newline-separated globs (`!` negates); a directory stands for every file below it. */
export async function matchReportFiles(patterns: readonly string[]): Promise<string[]> {
  const glob = await import('@actions/glob')
  const globber = await glob.create(patterns.join('\n'), { matchDirectories: false, implicitDescendants: true })
  return [...new Set(await globber.glob())]
}
