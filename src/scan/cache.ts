/**
 * A Scout cache kept between runs (`--cache-dir`): one folder per image. After the scan, folders this run did
 * not use and older than `maxAgeDays` go, then the oldest until the whole is within `maxMb`, so one
 * workflow cannot eat the disk (or, saved, the repository's cache quota). What was kept and pruned is said.
 */
import { readdir, rm, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import type { Host } from '../host.js'
import { errorLine } from '../messages.js'

const DAY_MS = 86_400_000

async function sizeOf(folder: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size
  }
  return total
}

export async function pruneCache(
  root: string,
  used: ReadonlySet<string>,
  limits: { maxAgeDays: number; maxMb: number },
  host: Host,
  now = Date.now()
): Promise<void> {
  try {
    const folders = await Promise.all(
      (await readdir(root, { withFileTypes: true }))
        .filter((entry) => entry.isDirectory())
        .map(async (entry) => {
          const full = path.join(root, entry.name)
          return { name: entry.name, full, modified: (await stat(full)).mtimeMs, bytes: await sizeOf(full) }
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
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1)
    host.info(
      `Scout cache ${root}: ${kept.length} image folder(s), ${mb(total)} MB kept; ${pruned.length} pruned (${mb(pruned.reduce((sum, folder) => sum + folder.bytes, 0))} MB)`
    )
  } catch (error) {
    host.warning(`cache: the Scout cache ${root} could not be pruned: ${errorLine(error)}`)
  }
}
