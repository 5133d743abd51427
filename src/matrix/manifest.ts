/**
 * The matrix hand-off. Every run leaves a manifest, `scout-graph-leg.json`, beside its reports: which
 * shard it was, its attempt and update tag, its reports and its failures. legs.ts reads them back in
 * the last job.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { outcomeImage, type ImageOutcome } from '../types/outcome.js'
import type { LegsPlan } from '../types/settings.js'
import type { Shard } from '../types/settings.js'

export const LEG_MANIFEST = 'scout-graph-leg.json'
export const SCHEMA = 'scout-graph-leg/1'

export interface LegManifest {
  schema: typeof SCHEMA
  shard?: Shard
  runAttempt: number
  updateTag: number
  /** Report files, relative to the manifest's folder, with the image each belongs to. */
  reports: { image: string; file: string }[]
  failed: { image: string; error: string }[]
  /** Images Scout found no base image for: no report file, but an outcome all the same. */
  noBaseImage: string[]
}

export interface LegIdentity {
  outputDir: string
  shard?: Shard
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
