/**
 * The matrix hand-off. Every run leaves a manifest, `scout-graph-leg.json`, beside its reports: which
 * shard it was, its attempt and update tag, its reports and its failures. The last job reads the
 * manifests of every leg (`legs`), takes the newest attempt of each shard, ingests their reports, counts
 * their failures as its own, and knows when a leg is missing, so its cleanup can refuse to run.
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { errorLine } from './messages.js'
import { outcomeImage, type ImageOutcome } from './publish/recommendations.js'

export const LEG_MANIFEST = 'scout-graph-leg.json'
const SCHEMA = 'scout-graph-leg/1'

export interface LegManifest {
  schema: typeof SCHEMA
  shard?: { index: number; count: number }
  runAttempt: number
  updateTag: number
  /** Report files, relative to the manifest's folder, with the image each belongs to. */
  reports: { image: string; file: string }[]
  failed: { image: string; error: string }[]
  /** Images Scout found no base image for: no report file, but an outcome all the same. */
  noBaseImage: string[]
}

export interface LegsPlan {
  /** The report files of the chosen legs. */
  reportFiles: string[]
  /** The image each of those files is the report of (its Target may name it differently). */
  reportImages: Map<string, string>
  /** Images the legs could not scan, with the cause. */
  failed: { image: string; error: string }[]
  noBaseImage: string[]
  /** Why cleanup (or s3-prune) must not run; empty when every leg is there and clean. */
  blockers: string[]
  /** One line per leg taken, for the log. */
  taken: string[]
}

export interface LegIdentity {
  outputDir: string
  shard?: { index: number; count: number }
  runAttempt: number
  updateTag: number
}

/** Written by every run into its output folder, so it travels in the artifact. */
export async function writeLegManifest(leg: LegIdentity, outcomes: readonly ImageOutcome[]): Promise<void> {
  const manifest: LegManifest = {
    schema: SCHEMA,
    ...(leg.shard ? { shard: leg.shard } : {}),
    runAttempt: leg.runAttempt,
    updateTag: leg.updateTag,
    reports: outcomes.flatMap((outcome) =>
      outcome.file && outcome.parsed ? [{ image: outcomeImage(outcome), file: path.relative(leg.outputDir, outcome.file) }] : []
    ),
    failed: outcomes.flatMap((outcome) => (outcome.error !== undefined ? [{ image: outcomeImage(outcome), error: outcome.error }] : [])),
    noBaseImage: outcomes.flatMap((outcome) => (!outcome.file && outcome.parsed?.status === 'no-base-image' ? [outcomeImage(outcome)] : []))
  }
  await writeFile(path.join(leg.outputDir, LEG_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
}

/** The legs' failures and base-less images, as outcomes of this job (their reports are read as files). */
export function legOutcomes(plan: LegsPlan): ImageOutcome[] {
  return [
    ...plan.failed.map((failure) => ({ image: failure.image, source: LEG_MANIFEST, error: failure.error })),
    ...plan.noBaseImage.map((image) => ({
      image,
      source: LEG_MANIFEST,
      parsed: { status: 'no-base-image' as const, reason: 'Scout: image has no base image', warnings: [], recommendations: [] }
    }))
  ]
}

/** Reads the legs' manifests; throws on one that is not a manifest (a wrong `legs` pattern should stop the run). */
export async function readLegs(files: readonly string[], updateTag: number): Promise<LegsPlan> {
  const manifests: (LegManifest & { dir: string; file: string })[] = []
  for (const file of files) {
    let manifest: LegManifest
    try {
      manifest = JSON.parse(await readFile(file, 'utf8')) as LegManifest
    } catch (error) {
      throw new Error(`cannot read ${file}: ${errorLine(error)}`, { cause: error })
    }
    if (manifest.schema !== SCHEMA) throw new Error(`${file} is not a ${LEG_MANIFEST} written by scout-graph-action`)
    manifests.push({ ...manifest, dir: path.dirname(file), file })
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
    taken: chosen.map(
      (manifest) =>
        `${manifest.shard ? `leg ${manifest.shard.index}/${manifest.shard.count}` : manifest.file}, attempt ${manifest.runAttempt}: ` +
        `${manifest.reports.length} report(s), ${manifest.failed.length} failed`
    )
  }
}
