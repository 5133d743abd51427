/**
 * Scan stage: make sure Scout runs, restore this leg's Scout cache, scan this job's images, read what
 * Scout wrote, then prune the kept cache and save it.
 */
import { readScannedReports } from '../collect/reports.js'
import { pruneCache } from '../scan/cache.js'
import { restoreScoutCache, saveScoutCache, type RestoredCache } from '../scan/keep.js'
import { ensureScout } from '../scan/provision.js'
import { cacheFolderOf, scanImages } from '../scan/scan.js'
import { errorLine } from '../messages.js'
import type { ImageOutcome } from '../types/outcome.js'
import type { ScanSettings } from '../types/settings.js'
import type { Run } from './run.js'

export async function scanStage(run: Run): Promise<ImageOutcome[]> {
  const { settings, host } = run
  if (settings.images.length === 0) return []
  await host.group('Set up Docker Scout', () => ensureScout(settings.scan.scout, host, settings.scan.actionsCache))
  const restored = await restoreCacheStage(run)
  // A kept folder that cannot be used is a cache failure: the scan goes on, each image with a fresh folder.
  const scan = restored === 'unusable' ? withoutKeptCache(settings.scan) : settings.scan
  const outcomes = await host.group(`Scan ${settings.images.length} image(s)`, async () =>
    readScannedReports(await scanImages({ ...settings, scan }, host), settings.outputDir)
  )
  if (restored !== 'unusable') await keepCacheStage(run, restored)
  return outcomes
}

async function restoreCacheStage({ settings, host }: Run): Promise<RestoredCache | 'unusable' | undefined> {
  const { actionsCache, cacheDir } = settings.scan
  if (!actionsCache || !cacheDir) return undefined
  return host.group('Restore the Scout cache', async () => {
    try {
      return await restoreScoutCache(cacheDir, actionsCache, host)
    } catch (error) {
      host.warning(`cache: the Scout cache folder ${cacheDir} cannot be used (${errorLine(error)}); every image is indexed`)
      return 'unusable'
    }
  })
}

function withoutKeptCache(scan: ScanSettings): ScanSettings {
  const fresh = { ...scan }
  delete fresh.cacheDir
  delete fresh.actionsCache
  return fresh
}

/** A kept cache (`--cache-dir`, or the Actions cache's folder) is pruned to its limits; the Actions cache's is then saved. */
async function keepCacheStage({ settings, host }: Run, restored: RestoredCache | undefined): Promise<void> {
  const { actionsCache, cacheDir, cacheLimits, credentials } = settings.scan
  if (!cacheDir) return
  await host.group('Keep the Scout cache', async () => {
    const used = settings.images.map(cacheFolderOf)
    const kept = await pruneCache(cacheDir, new Set(used), cacheLimits, host)
    if (!actionsCache || !restored) return
    await saveScoutCache(cacheDir, restored, kept, used, actionsCache, credentials, host).catch((error: unknown) =>
      host.warning(`cache: the Scout cache was not saved: ${errorLine(error)}`)
    )
  })
}
