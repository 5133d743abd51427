import path from 'node:path'

/** Whether `file` lies strictly inside `folder` (not the folder itself, never through `..`). */
export function isInside(folder: string, file: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file))
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}
