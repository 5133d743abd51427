/**
 * The last job of a matrix reads the manifests of every leg (`legs`), takes the newest attempt of each
 * shard, and knows when a leg is missing or failed, so cleanup and s3-prune can refuse to run.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { errorLine } from '../messages.js'
import type { LegsPlan } from '../types/settings.js'
import { LEG_MANIFEST, SCHEMA, type LegManifest } from './manifest.js'

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

/** The manifest, checked field by field: a wrong one stops the run naming the file and the field. */
function validManifest(json: unknown, file: string): LegManifest {
  const fail = (field: string, expected: string): never => {
    throw new Error(`${file}: field "${field}" must be ${expected}`)
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('(top level)', 'an object')
  const manifest = json as Record<string, unknown>
  if (manifest.schema !== SCHEMA) fail('schema', `"${SCHEMA}" (is this a ${LEG_MANIFEST} written by scout-graph-action?)`)
  const whole = (value: unknown, min: number): boolean => Number.isSafeInteger(value) && (value as number) >= min
  if (!whole(manifest.runAttempt, 1)) fail('runAttempt', 'a whole number from 1')
  if (!whole(manifest.updateTag, 0)) fail('updateTag', 'a non-negative whole number')
  if (manifest.shard !== undefined) {
    const shard = manifest.shard as { index?: unknown; count?: unknown } | null
    if (
      typeof shard !== 'object' ||
      shard === null ||
      !whole(shard.count, 1) ||
      !whole(shard.index, 1) ||
      (shard.index as number) > (shard.count as number)
    ) {
      fail('shard', 'an object { index, count } with 1 <= index <= count')
    }
  }
  const list = (field: string, item: (value: unknown) => boolean, expected: string, optional = false): void => {
    const value = manifest[field]
    if (optional && value === undefined) return
    if (!Array.isArray(value)) fail(field, `a list of ${expected}`)
    ;(value as unknown[]).forEach((entry, index) => {
      if (!item(entry)) fail(`${field}[${index}]`, expected)
    })
  }
  const text = (value: unknown): boolean => typeof value === 'string' && value !== ''
  const fields = (value: unknown, names: string[]): boolean =>
    typeof value === 'object' && value !== null && names.every((name) => text((value as Record<string, unknown>)[name]))
  list(
    'reports',
    (value) => fields(value, ['image', 'file']) && isRelativeInside((value as { file: string }).file),
    "{ image, file } with file a relative path inside the leg's folder"
  )
  list('failed', (value) => fields(value, ['image', 'error']), '{ image, error }')
  list('noBaseImage', text, 'image references', true)
  return manifest as unknown as LegManifest
}

/** A manifest's report path must stay inside its folder: an artifact cannot make us read elsewhere. */
function isRelativeInside(file: string): boolean {
  const normal = path.normalize(file)
  return !path.isAbsolute(normal) && normal !== '..' && !normal.startsWith(`..${path.sep}`)
}
