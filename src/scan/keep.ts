/**
 * The Actions cache (input `cache`) keeps two things between runs: the Scout CLI, by version, OS and
 * architecture, and this leg's Scout SBOM cache folder, restored from the newest earlier save of the leg and
 * saved under a new key only when the scan added to it. Caching is best effort: a service that fails is a
 * warning and the scan runs cold, a restore that is not whole is dropped, and nothing that holds a credential
 * is saved. `@actions/cache` (and the Azure SDK under it) loads only when a cache is used.
 */
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Host } from '../host.js'
import { errorLine, registeredSecrets } from '../messages.js'
import { filesOf, megabytes, totalSize, type FolderFiles } from './cache.js'
import type { ActionsCacheSettings } from '../types/settings.js'

/** Written into the folder before a save: every file with its size, so a restore can be checked whole. */
const MANIFEST = '.scout-graph-cache.json'

/** What a restore left: the key it came from, and the files, to tell afterwards what the scan added. */
export interface RestoredCache {
  key?: string
  files: FolderFiles
}

let saidNoService = false

async function cacheService(host: Host): Promise<typeof import('@actions/cache') | undefined> {
  const cache = await import('@actions/cache')
  if (cache.isFeatureAvailable()) return cache
  if (!saidNoService)
    host.info('cache: no Actions cache service here (neither ACTIONS_CACHE_URL nor ACTIONS_RESULTS_URL): nothing restored or saved')
  saidNoService = true
  return undefined
}

/**
 * Paths as `@actions/cache` takes them. It keys a save by the paths as given, so a folder in the working
 * directory (the workspace) is given relative to it, which is the same from run to run; it refuses `..`,
 * so any other folder (the tool cache) is given whole.
 */
function cachePath(folder: string): string {
  const relative = path.relative(process.cwd(), folder)
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? folder : relative
}

/** Files of ours in the folder's root, never Scout's: the manifest, and a `.gitignore` that keeps the folder out of git. */
const OWN_FILES = new Set([MANIFEST, '.gitignore'])

/** Whether every file the manifest lists is there with its size: a cut-short archive leaves some out or short. */
async function wholeness(folder: string, files: FolderFiles): Promise<string | undefined> {
  let listed: Record<string, number>
  try {
    listed = JSON.parse(await readFile(path.join(folder, MANIFEST), 'utf8')) as Record<string, number>
  } catch {
    return `no readable ${MANIFEST}`
  }
  for (const [file, size] of Object.entries(listed)) {
    const found = files.get(file)
    if (found?.size !== size) return `${file}: ${found ? `${found.size} of ${size} bytes` : 'missing'}`
  }
  return undefined
}

/** Restores this leg's Scout cache into `folder`, emptied first; anything not whole is dropped and the scan runs cold. */
export async function restoreScoutCache(folder: string, settings: ActionsCacheSettings, host: Host): Promise<RestoredCache> {
  const restored = await restoreInto(folder, settings, host)
  // In the workspace, but never for git: a later `git add -A` must not commit SBOMs.
  await writeFile(path.join(folder, '.gitignore'), '*\n')
  return restored
}

async function restoreInto(folder: string, settings: ActionsCacheSettings, host: Host): Promise<RestoredCache> {
  await rm(folder, { recursive: true, force: true })
  await mkdir(folder, { recursive: true })
  const cache = await cacheService(host)
  if (!cache) return { files: new Map() }
  let key: string | undefined
  try {
    key = await cache.restoreCache([cachePath(folder)], settings.saveKey, [settings.restorePrefix])
  } catch (error) {
    host.warning(`cache: the Scout cache could not be restored: ${errorLine(error)}; every image is indexed`)
  }
  const files = await filesOf(folder)
  const broken = key ? await wholeness(folder, files) : undefined
  if (!key || broken) {
    if (broken) host.warning(`cache: the restored Scout cache ${key} is not whole (${broken}); dropped, every image is indexed`)
    else host.info(`cache: no saved Scout cache for this leg (${settings.restorePrefix}*); every image is indexed`)
    await rm(folder, { recursive: true, force: true })
    await mkdir(folder, { recursive: true })
    return { files: new Map() }
  }
  for (const own of OWN_FILES) files.delete(own)
  host.info(`cache: restored the Scout cache ${key}: ${files.size} file(s), ${megabytes(totalSize(files.values()))}`)
  return { key, files }
}

/** The files the scan added or changed since the restore (ours in the root left out). */
function addedFiles(before: FolderFiles, after: FolderFiles): string[] {
  return [...after]
    .filter(([file, now]) => !OWN_FILES.has(file) && (before.get(file)?.size !== now.size || before.get(file)?.modified !== now.modified))
    .map(([file]) => file)
}

/**
 * After the scan and the prune (`files`: what the prune kept): says how many images found their SBOM, then
 * saves the folder under this run's key when the scan added to it (or the prune took from it), unless this
 * is a pull-request run or a file holds a credential.
 */
export async function saveScoutCache(
  folder: string,
  restored: RestoredCache,
  files: FolderFiles,
  usedFolders: readonly string[],
  settings: ActionsCacheSettings,
  credentials: Record<string, string>,
  host: Host
): Promise<void> {
  const added = addedFiles(restored.files, files)
  const grown = new Set(added.map((file) => file.split('/')[0]))
  const restoredFolders = new Set([...restored.files.keys()].map((file) => file.split('/')[0]))
  const hits = usedFolders.filter((name) => restoredFolders.has(name) && !grown.has(name)).length
  host.info(
    `cache: ${hits} of ${usedFolders.length} image(s) found their SBOM in the restored cache; ${added.length} file(s) added ` +
      `(${megabytes(totalSize(added.map((file) => files.get(file) ?? { size: 0 })))})`
  )
  if (!settings.save) return host.info('cache: a pull-request run restores the Scout cache but never saves it')
  const removed = [...restored.files.keys()].filter((file) => !files.has(file))
  if (added.length === 0 && removed.length === 0) return host.info('cache: the scan added nothing, so there is nothing new to save')
  const leak = await credentialIn(folder, added, credentials)
  if (leak) return host.warning(`cache: ${leak} in the Scout cache holds a credential; the cache is not saved`)
  const cache = await cacheService(host)
  if (!cache) return
  for (const own of OWN_FILES) files.delete(own)
  await writeFile(path.join(folder, MANIFEST), JSON.stringify(Object.fromEntries([...files].map(([file, { size }]) => [file, size]))))
  // A throw (a tar that fails, a folder gone) is the caller's warning; a refusal the service gave is -1.
  const id = await cache.saveCache([cachePath(folder)], settings.saveKey)
  if (id === -1) host.warning(`cache: the Scout cache was not saved as ${settings.saveKey} (the cache service refused it; see above)`)
  else host.info(`cache: saved the Scout cache as ${settings.saveKey}: ${files.size} file(s), ${megabytes(totalSize(files.values()))}`)
}

/**
 * The first of `files` whose name or content holds a password or token, as given or as a Basic
 * credential (`user:password` in base64, as a Docker config keeps it). User names are not looked for:
 * an SBOM of one's own images names one's own organisation.
 */
async function credentialIn(folder: string, files: readonly string[], credentials: Record<string, string>): Promise<string | undefined> {
  const users = [credentials.DOCKER_SCOUT_HUB_USER, credentials.DOCKER_SCOUT_REGISTRY_USER].filter((user) => user !== undefined)
  const pairs = [
    [credentials.DOCKER_SCOUT_HUB_USER, credentials.DOCKER_SCOUT_HUB_PASSWORD],
    [credentials.DOCKER_SCOUT_REGISTRY_USER, credentials.DOCKER_SCOUT_REGISTRY_PASSWORD]
  ].filter((pair): pair is [string, string] => pair[0] !== undefined && pair[1] !== undefined)
  const secrets = registeredSecrets().filter((secret) => secret.length >= 6 && !users.some((user) => user.includes(secret)))
  const needles = [
    ...secrets,
    ...secrets.map((secret) => Buffer.from(secret).toString('base64').replace(/=+$/, '')),
    ...pairs.map(([user, password]) => Buffer.from(`${user}:${password}`).toString('base64').replace(/=+$/, ''))
  ].map((text) => Buffer.from(text))
  if (needles.length === 0) return undefined
  const longest = Math.max(...needles.map((needle) => needle.length))
  for (const file of files) {
    if (needles.some((needle) => file.includes(needle.toString()))) return file
    // Read in chunks, each searched with the end of the one before, so a credential across two chunks is found.
    let tail = Buffer.alloc(0)
    for await (const chunk of createReadStream(path.join(folder, file))) {
      const window = Buffer.concat([tail, chunk as Buffer])
      if (needles.some((needle) => window.includes(needle))) return file
      tail = window.subarray(Math.max(0, window.length - longest + 1))
    }
  }
  return undefined
}

/** The Scout CLI's key: one per version, OS and architecture, shared by every workflow of the repository. */
const cliKey = (version: string) => `scout-graph-scout-cli-${version}-${process.platform}-${process.arch}`

/** Restores the tool-cache folder of a Scout CLI version; whether it came. */
export async function restoreScoutCli(toolFolder: string, version: string, host: Host): Promise<boolean> {
  const cache = await cacheService(host)
  if (!cache) return false
  try {
    const key = await cache.restoreCache([cachePath(toolFolder)], cliKey(version))
    if (key) host.info(`cache: restored Scout CLI ${version} (${key})`)
    return key !== undefined
  } catch (error) {
    host.warning(`cache: Scout CLI ${version} could not be restored: ${errorLine(error)}; downloading it`)
    return false
  }
}

/** Saves a Scout CLI just downloaded and checked, for the runs after this one. */
export async function saveScoutCli(toolFolder: string, version: string, settings: ActionsCacheSettings, host: Host): Promise<void> {
  if (!settings.save) return
  const cache = await cacheService(host)
  if (!cache) return
  try {
    const id = await cache.saveCache([cachePath(toolFolder)], cliKey(version))
    if (id !== -1) host.info(`cache: saved Scout CLI ${version} as ${cliKey(version)}`)
  } catch (error) {
    host.warning(`cache: Scout CLI ${version} was not saved: ${errorLine(error)}`)
  }
}
