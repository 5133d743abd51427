/**
 * Which Dockerfiles a run looks at: the ones mapped to images, the ones the patterns match, and with
 * `auto` every file named like a Dockerfile under the workspace (not in `.git`, `node_modules` or the kept Scout cache).
 */
import { lstat, readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import type { Host } from '../host.js'
import { errorLine } from '../messages.js'
import { KEPT_SCOUT_CACHE, type DockerfileSettings } from '../types/settings.js'
import type { Dockerfile, DockerfileIndex } from '../types/dockerfile.js'

/** A Dockerfile larger than this is no Dockerfile anyone wrote by hand: skipped. */
const MAX_BYTES = 1_048_576
/** The most files `auto` and the patterns may find; past it, a warning. */
export const MAX_DOCKERFILES = 5_000
const SKIPPED_DIRS = new Set(['.git', 'node_modules', KEPT_SCOUT_CACHE])

export const isDockerfileName = (name: string): boolean =>
  name === 'Dockerfile' || name === 'Containerfile' || name.startsWith('Dockerfile.') || name.endsWith('.Dockerfile')

/** `auto` stops after this many directory entries, with a warning: a workspace that big should name its Dockerfiles. */
export const MAX_WALKED_ENTRIES = 1_000_000
/** Directories read at once: enough to keep the thread pool busy, few enough to stay far from the open-file limit. */
const READ_AT_ONCE = 64

/**
 * Every file named like a Dockerfile under root, read level by level with many directories at once
 * (an async generator per directory was 13 times slower on a 170,000-entry workspace). Symbolic links
 * are not followed: a link could lead out of the workspace or round in a loop. An unreadable directory
 * is passed over.
 */
async function walk(root: string, host: Host, maxEntries: number): Promise<string[]> {
  const found: string[] = []
  let entries = 0
  let level = [root]
  while (level.length > 0) {
    const below: string[] = []
    for (let start = 0; start < level.length; start += READ_AT_ONCE) {
      const dirs = level.slice(start, start + READ_AT_ONCE)
      const listings = await Promise.all(dirs.map((dir) => readdir(dir, { withFileTypes: true }).catch(() => [])))
      listings.forEach((listing, index) => {
        entries += listing.length
        for (const entry of listing) {
          const full = path.join(dirs[index], entry.name)
          if (entry.isDirectory()) {
            if (!SKIPPED_DIRS.has(entry.name)) below.push(full)
          } else if (entry.isFile() && isDockerfileName(entry.name)) found.push(full)
        }
      })
      if (entries > maxEntries) {
        host.warning(
          `dockerfiles: auto stopped after ${entries} entries under ${root}; name the Dockerfiles (patterns or IMAGE=PATH) to find the rest`
        )
        return found
      }
    }
    level = below
  }
  return found
}

export async function findDockerfiles(settings: DockerfileSettings, host: Host, maxEntries = MAX_WALKED_ENTRIES): Promise<DockerfileIndex> {
  const found = new Set<string>()
  for (const file of settings.mapped.values()) found.add(path.resolve(settings.root, file))
  if (settings.auto) for (const file of await walk(settings.root, host, maxEntries)) found.add(file)
  if (settings.patterns.length > 0) {
    const { create } = await import('@actions/glob')
    const globber = await create(settings.patterns.map((pattern) => path.resolve(settings.root, pattern)).join('\n'), {
      followSymbolicLinks: false,
      matchDirectories: false
    })
    for (const file of await globber.glob()) found.add(file)
  }
  const paths = [...found].sort()
  if (paths.length > MAX_DOCKERFILES) host.warning(`dockerfiles: ${paths.length} files found; only the first ${MAX_DOCKERFILES} are read`)
  const files: Dockerfile[] = []
  // The parser loads only when there is a Dockerfile to read.
  const { readFroms } = paths.length > 0 ? await import('./parse.js') : { readFroms: () => [] }
  for (const file of paths.slice(0, MAX_DOCKERFILES)) {
    const place = workspacePath(settings.root, file)
    if (place.outside)
      host.warning(`dockerfiles: ${file} is outside the workspace (${settings.root}): annotated, but left out of the SARIF file`)
    const text = await readDockerfile(file, host)
    if (text === undefined) continue
    try {
      files.push({ ...place, froms: readFroms(text) })
    } catch (error) {
      host.warning(`dockerfiles: ${file} could not be parsed (${errorLine(error)}); skipped`)
    }
  }
  const mapped = new Map(
    [...settings.mapped].map(([image, file]) => [image, workspacePath(settings.root, path.resolve(settings.root, file)).path])
  )
  return { files, mapped }
}

/** A file's place as GitHub names it: relative to the workspace with forward slashes; else its full path. */
function workspacePath(root: string, file: string): { path: string; outside?: true } {
  const relative = path.relative(root, file)
  const outside = relative.startsWith('..') || path.isAbsolute(relative)
  return { path: (outside ? file : relative).split(path.sep).join('/'), ...(outside ? { outside: true as const } : {}) }
}

async function readDockerfile(file: string, host: Host): Promise<string | undefined> {
  const info = await lstat(file).catch(() => undefined)
  if (info === undefined || !info.isFile()) {
    host.warning(`dockerfiles: ${file} is not a readable file; skipped`)
    return undefined
  }
  if (info.size > MAX_BYTES) {
    host.warning(`dockerfiles: ${file} is over ${MAX_BYTES} bytes; skipped`)
    return undefined
  }
  return readFile(file, 'utf8').catch((error: unknown) => {
    host.warning(`dockerfiles: ${file} could not be read (${errorLine(error)}); skipped`)
    return undefined
  })
}
