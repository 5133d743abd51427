/**
 * The step's outputs, and a warning annotation per image that should move to another base. Outputs
 * stay within GitHub's limit of 1 MB each: past it, `recommendations` first loses the benefit texts,
 * then its last entries (the graph file and the artifact always hold everything).
 */
import type { Host } from '../host.js'
import type { FromLine } from '../types/dockerfile.js'
import { baseReference, isOutdated } from '../verdict/entry.js'
import type { RecommendationEntry } from '../types/entry.js'
import { largestFitting } from '../util/fit.js'
import { biggerNote, describeNet, PLAIN } from '../verdict/wording.js'
import { optionReference, optionsBestFirst, orderForReading } from '../verdict/rank.js'

/** GitHub's limit is 1 MB per output, in UTF-8 bytes; stay clear of it. */
export const OUTPUT_LIMIT = 900_000
/** GitHub shows the first 10 warning annotations of a step; more would only be noise. */
const ANNOTATIONS = 10

export interface OutputValues {
  graphFile: string
  reportDir: string
  artifactId?: number
}

export function publishOutputs(entries: readonly RecommendationEntry[], values: OutputValues, host: Host): void {
  const failed = entries.filter((entry) => entry.status === 'failed')
  host.setOutput('recommendations', recommendationsJson(entries, host))
  host.setOutput('graph-file', values.graphFile)
  host.setOutput('report-dir', values.reportDir)
  host.setOutput('scanned-count', String(entries.length))
  host.setOutput('failed-count', String(failed.length))
  host.setOutput('outdated-count', String(entries.filter(isOutdated).length))
  host.setOutput('failed-images', JSON.stringify(failed.map((entry) => entry.image)))
  if (values.artifactId !== undefined) host.setOutput('artifact-id', String(values.artifactId))
}

export function recommendationsJson(entries: readonly RecommendationEntry[], host: Host, limit = OUTPUT_LIMIT): string {
  const full = JSON.stringify(entries)
  if (Buffer.byteLength(full) <= limit) return full
  const lean = orderForReading(entries).map((entry) => ({
    ...entry,
    recommendations: entry.recommendations.map((recommendation) => ({ ...recommendation, benefits: [] }))
  }))
  const serialize = (count: number) => JSON.stringify(lean.slice(0, count))
  const kept = largestFitting(lean.length, (count) => Buffer.byteLength(serialize(count)) <= limit) ?? 0
  const json = serialize(kept)
  host.warning(
    `The recommendations output would exceed GitHub's 1 MB limit: it holds ${kept} of ${entries.length} entries, without benefit texts ` +
      '(images needing action first); the graph file and the artifact hold everything'
  )
  return json
}

/** A warning per image that should move, the most urgent first, on the first `FROM` line of its base when known. */
export function annotate(
  entries: readonly RecommendationEntry[],
  located: ReadonlyMap<RecommendationEntry, readonly FromLine[]>,
  host: Host
): void {
  const outdated = orderForReading(entries).filter(isOutdated)
  for (const entry of outdated.slice(0, ANNOTATIONS)) {
    const moves = optionsBestFirst(entry).map((option) => {
      const { removes, adds } = describeNet(entry, option, PLAIN)
      return `${option.kind} ${optionReference(entry, option)}${biggerNote(entry, option)} (removes ${removes}${adds ? `; adds ${adds}` : ''})`
    })
    const from = located.get(entry)?.[0]
    host.warning(`${entry.image}: base image ${baseReference(entry)} should move: ${moves.join('; ')}`, {
      title: 'Base image update',
      ...(from ? { file: from.path, startLine: from.line } : {})
    })
  }
  if (outdated.length > ANNOTATIONS) host.info(`${outdated.length - ANNOTATIONS} more image(s) should update; see the job summary`)
}
