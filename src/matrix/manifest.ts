/**
 * The matrix hand-off. Every run leaves a manifest, `scout-graph-leg.json`, beside its reports: which
 * shard it was, its attempt and update tag, its reports and its failures. legs.ts reads them back in
 * the last job.
 */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { outcomeImage, type ImageOutcome } from '../types/outcome.js'
import * as v from 'valibot'
import type { LegsPlan, Shard } from '../types/settings.js'
import { plainObject, wholeFrom } from '../util/schema.js'

export const LEG_MANIFEST = 'scout-graph-leg.json'
export const SCHEMA = 'scout-graph-leg/1'

const text = (message: string) => v.pipe(v.string(message), v.nonEmpty(message))

/** A manifest's report path must stay inside its folder: an artifact cannot make us read elsewhere. */
function isRelativeInside(file: string): boolean {
  const normal = path.normalize(file)
  return !path.isAbsolute(normal) && normal !== '..' && !normal.startsWith(`..${path.sep}`)
}

/** The manifest as written and as read back (untrusted: it comes from an artifact); built on first use. */
const manifestSchema = () =>
  plainObject(
    {
      schema: v.literal(SCHEMA, `"${SCHEMA}" (is this a ${LEG_MANIFEST} written by scout-graph-action?)`),
      shard: v.optional(
        v.pipe(
          v.object(
            { index: wholeFrom(1, 'a whole number from 1'), count: wholeFrom(1, 'a whole number from 1') },
            'an object { index, count }'
          ),
          v.check((shard) => shard.index <= shard.count, 'an object { index, count } with 1 <= index <= count')
        )
      ),
      runAttempt: wholeFrom(1, 'a whole number from 1'),
      updateTag: wholeFrom(0, 'a non-negative whole number'),
      /** Report files, relative to the manifest's folder, with the image each belongs to. */
      reports: v.array(
        v.object(
          {
            image: text('an image reference'),
            file: v.pipe(
              text("a relative path inside the leg's folder"),
              v.check(isRelativeInside, "a relative path inside the leg's folder")
            )
          },
          '{ image, file }'
        ),
        'a list of { image, file }'
      ),
      failed: v.array(
        v.object({ image: text('an image reference'), error: text('the reason') }, '{ image, error }'),
        'a list of { image, error }'
      ),
      /** Images Scout found no base image for: no report file, but an outcome all the same. */
      noBaseImage: v.optional(v.array(text('an image reference'), 'a list of image references'))
    },
    'an object'
  )

let built: ReturnType<typeof manifestSchema> | undefined
export const legManifestSchema = () => (built ??= manifestSchema())

export type LegManifest = v.InferOutput<ReturnType<typeof manifestSchema>>

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
