/**
 * The last job of a matrix reads the manifests of every leg (`legs`), takes the newest attempt of each
 * shard, and knows when a leg is missing or failed, so cleanup and s3-prune can refuse to run.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { errorLine } from '../messages.js'
import type { LegsPlan } from '../types/settings.js'
import { check } from '../util/schema.js'
import { legManifestSchema, type LegManifest } from './manifest.js'

/** Reads the legs' manifests; throws on one that is not a manifest (a wrong `legs` pattern should stop the run). */
export async function readLegs(files: readonly string[], updateTag: number): Promise<LegsPlan> {
  const manifests: (LegManifest & { dir: string; file: string })[] = []
  for (const file of files) {
    let json: unknown
    try {
      json = JSON.parse(await readFile(file, 'utf8'))
    } catch (error) {
      throw new Error(`cannot read ${file}: ${errorLine(error)}`, { cause: error })
    }
    manifests.push({ ...validManifest(json, file), dir: path.dirname(file), file })
  }

  // A re-run leaves the failed attempt's artifact beside the new one: the newest attempt of a shard wins.
  const newest = new Map<string, (typeof manifests)[number]>()
  for (const manifest of manifests) {
    const key = manifest.shard ? `${manifest.shard.index}/${manifest.shard.count}` : manifest.file
    const current = newest.get(key)
    if (!current || manifest.runAttempt > current.runAttempt) newest.set(key, manifest)
  }
  const chosen = [...newest.values()]
  const blockers: string[] = []
  if (chosen.length === 0) blockers.push('no leg manifest was found')
  const counts = new Set(chosen.flatMap((manifest) => (manifest.shard ? [manifest.shard.count] : [])))
  if (counts.size > 1) blockers.push(`the legs disagree on the shard count (${[...counts].join(', ')})`)
  for (const count of counts) {
    const missing = Array.from({ length: count }, (_, i) => i + 1).filter((index) => !newest.has(`${index}/${count}`))
    if (missing.length > 0) blockers.push(`leg(s) ${missing.map((index) => `${index}/${count}`).join(', ')} left no manifest`)
  }
  for (const manifest of chosen) {
    const name = manifest.shard ? `leg ${manifest.shard.index}/${manifest.shard.count}` : manifest.file
    if (manifest.updateTag !== updateTag) blockers.push(`${name} pushed update tag ${manifest.updateTag}, not ${updateTag}`)
    if (manifest.failed.length > 0) blockers.push(`${name} could not scan ${manifest.failed.length} image(s)`)
  }
  return {
    reportFiles: chosen.flatMap((manifest) => manifest.reports.map((report) => path.resolve(manifest.dir, report.file))),
    reportImages: new Map(
      chosen.flatMap((manifest) => manifest.reports.map((report) => [path.resolve(manifest.dir, report.file), report.image]))
    ),
    failed: chosen.flatMap((manifest) => manifest.failed),
    noBaseImage: chosen.flatMap((manifest) => manifest.noBaseImage ?? []),
    blockers,
    folders: manifests.map((manifest) => manifest.dir),
    taken: chosen.map(
      (manifest) =>
        `${manifest.shard ? `leg ${manifest.shard.index}/${manifest.shard.count}` : manifest.file}, attempt ${manifest.runAttempt}: ` +
        `${manifest.reports.length} report(s), ${manifest.failed.length} failed`
    )
  }
}

/** The manifest, checked against its schema: a wrong one stops the run naming the file and the field. */
function validManifest(json: unknown, file: string): LegManifest {
  const checked = check(legManifestSchema(), json)
  if ('problem' in checked) throw new Error(`${file}: ${checked.problem}`)
  return checked.value
}
