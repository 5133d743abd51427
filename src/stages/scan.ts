/** Scan stage: make sure Scout runs, scan this job's images, read what Scout wrote. */
import { readScannedReports } from '../collect/reports.js'
import { ensureScout } from '../scan/provision.js'
import { scanImages } from '../scan/scan.js'
import type { ImageOutcome } from '../types/outcome.js'
import type { Run } from './run.js'

export async function scanStage({ settings, host }: Run): Promise<ImageOutcome[]> {
  if (settings.images.length === 0) return []
  await host.group('Set up Docker Scout', () => ensureScout(settings.scan.scout, host))
  return host.group(`Scan ${settings.images.length} image(s)`, async () =>
    readScannedReports(await scanImages(settings, host), settings.outputDir)
  )
}
