/**
 * A Scout cache kept between runs (`--cache-dir`, or the folder the Actions cache keeps): one folder per
 * image. After the scan, folders this run did not use and older than `maxAgeDays` go, then the oldest until
 * the whole is within `maxMb`, so one workflow cannot eat the disk (or, saved, the repository's cache
 * quota). What was kept and pruned is said.
 */
import { readdir, rm, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import type { Host } from '../host.js'
import { errorLine } from '../messages.js'

const DAY_MS = 86_400_000

/** A folder's files by path (relative, `/`-separated): size and modification time. */
export type FolderFiles = Map<string, { size: number; modified: number }>

export async function filesOf(root: string): Promise<FolderFiles> {
  const files: FolderFiles = new Map()
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    const info = await stat(full).catch(() => undefined)
    if (info) files.set(path.relative(root, full).split(path.sep).join('/'), { size: info.size, modified: info.mtimeMs })
  }
  return files
}

export const totalSize = (files: Iterable<{ size: number }>): number => [...files].reduce((sum, file) => sum + file.size, 0)
export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** The image folder (top-level name) a file is in; undefined for a file in the root. */
const folderOf = (file: string): string | undefined => (file.includes('/') ? file.slice(0, file.indexOf('/')) : undefined)

/** Prunes the folder to its limits; the files it keeps, for whoever saves it next (one walk of the folder). */
export async function pruneCache(
  root: string,
  used: ReadonlySet<string>,
  limits: { maxAgeDays: number; maxMb: number },
  host: Host,
  now = Date.now()
): Promise<FolderFiles> {
  try {
    const files = await filesOf(root)
    const bytes = new Map<string, number>()
    for (const [file, { size }] of files) {
      const folder = folderOf(file)
      if (folder !== undefined) bytes.set(folder, (bytes.get(folder) ?? 0) + size)
    }
    const folders = await Promise.all(
      (await readdir(root, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory())
        .map(async (entry) => {
          const full = path.join(root, entry.name)
          return { name: entry.name, full, modified: (await stat(full)).mtimeMs, bytes: bytes.get(entry.name) ?? 0 }
        })
    )
    // A folder this run used is the newest, whatever Scout wrote into it.
    for (const folder of folders.filter((candidate) => used.has(candidate.name))) {
      folder.modified = now
      await utimes(folder.full, now / 1000, now / 1000).catch(() => undefined)
    }
    const pruned: typeof folders = []
    const kept = folders.filter((folder) => {
      const old = !used.has(folder.name) && now - folder.modified > limits.maxAgeDays * DAY_MS
      if (old) pruned.push(folder)
      return !old
    })
    // Over the cap: the oldest go first, whoever used them.
    kept.sort((a, b) => a.modified - b.modified)
    let total = kept.reduce((sum, folder) => sum + folder.bytes, 0)
    while (total > limits.maxMb * 1024 * 1024 && kept.length > 0) {
      const oldest = kept.shift() as (typeof kept)[number]
      pruned.push(oldest)
      total -= oldest.bytes
    }
    for (const folder of pruned) await rm(folder.full, { recursive: true, force: true })
    const gone = new Set(pruned.map((folder) => folder.name))
    for (const file of files.keys()) if (gone.has(folderOf(file) ?? '')) files.delete(file)
    host.info(
      `Scout cache ${root}: ${kept.length} image folder(s), ${megabytes(total)} kept; ${pruned.length} pruned (${megabytes(pruned.reduce((sum, folder) => sum + folder.bytes, 0))})`
    )
    return files
  } catch (error) {
    host.warning(`cache: the Scout cache ${root} could not be pruned: ${errorLine(error)}`)
    return filesOf(root)
  }
}
