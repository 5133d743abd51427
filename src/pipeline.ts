/**
 * The pipeline both front ends run: read (or scan) reports, build the graph, publish. Each stage runs
 * in a named log group; the action and the CLI differ only in the Host they pass.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import { buildDelta, compareCodePoints, serializeDelta, type GraphDelta } from './graph/delta.js'
import type { Host } from './host.js'
import { policyViolations } from './publish/policy.js'
import { COMMENT_LIMIT, publishComment, runUrl } from './publish/comment.js'
import { annotate, publishOutputs } from './publish/outputs.js'
import { renderSummary } from './publish/summary.js'
import { outcomeImage, toEntry, type ImageOutcome, type RecommendationEntry } from './publish/recommendations.js'
import { legOutcomes, writeLegManifest } from './matrix.js'
import { parseReport } from './report/parse.js'
import { ensureScout } from './scan/provision.js'
import { reportFileName, scanImages } from './scan/scan.js'
import type { Settings } from './settings.js'
import { artifactName, uploadArtifact } from './sinks/artifact.js'
import { pushGraph, type BaseChange } from './sinks/neo4j.js'
import { checkS3Access, uploadReports, type UploadItem } from './sinks/s3.js'

export interface RunResult {
  entries: RecommendationEntry[]
  delta: GraphDelta
  /** One line per `fail-on` rule that was hit; empty when the run passes. */
  violations: string[]
  /** Sinks that failed (a Neo4j push, an upload): the step fails whatever `fail-on` says. */
  errors: string[]
}

const READ_CONCURRENCY = 16

export async function runPipeline(settings: Settings, host: Host): Promise<RunResult> {
  const { neo4j, s3 } = settings
  await mkdir(settings.outputDir, { recursive: true })
  if (s3) await host.group('Check S3 access', () => checkS3Access(s3))
  if (settings.images.length > 0) await host.group('Set up Docker Scout', () => ensureScout(settings.scan.scout, host))
  const scanned =
    settings.images.length > 0 ? await host.group(`Scan ${settings.images.length} image(s)`, () => scanImages(settings, host)) : []
  const read =
    settings.reportFiles.length > 0
      ? await host.group(`Read ${settings.reportFiles.length} report(s)`, () =>
          readReports(settings.reportFiles, settings.legs?.reportImages, host)
        )
      : []
  if (settings.legs) for (const line of settings.legs.taken) host.info(`Took ${line}`)
  const outcomes = [...scanned, ...read, ...(settings.legs ? legOutcomes(settings.legs) : [])]
  const entries = outcomes.map(toEntry)
  await writeLegManifest(
    {
      outputDir: settings.outputDir,
      ...(settings.shard ? { shard: settings.shard } : {}),
      runAttempt: Number(settings.github.runAttempt ?? 1),
      updateTag: settings.updateTag
    },
    outcomes
  )
  const legBlockers = settings.legs?.blockers ?? []

  const delta = await host.group('Build the graph', async () => {
    const ingested = outcomes.flatMap((outcome) => (outcome.parsed ? [{ source: outcome.source, parsed: outcome.parsed }] : []))
    const built = buildDelta(ingested, settings.graphMode, settings.updateTag)
    await mkdir(path.dirname(settings.graphFile), { recursive: true })
    await writeFile(settings.graphFile, serializeDelta(built))
    host.info(
      `${built.nodes.length} node(s), ${built.relationships.length} relationship(s), ${built.imageLinks.length} image link(s) → ${settings.graphFile}`
    )
    return built
  })

  const errors: string[] = []
  let changes: BaseChange[] | undefined
  if (neo4j) {
    await host.group('Push the graph to Neo4j', async () => {
      const blocker = neo4j.cleanup ? cleanupBlocker(outcomes, delta, legBlockers) : undefined
      if (blocker) host.warning(`Cleanup skipped: ${blocker}`)
      try {
        changes = (await pushGraph(delta, neo4j, neo4j.cleanup && blocker === undefined, host)).changes
      } catch (error) {
        errors.push((error as Error).message)
      }
    })
  }

  if (s3) {
    await host.group(`Upload the reports to s3://${s3.bucket}/${s3.prefix}`, async () => {
      const blocker = s3.prune ? cleanupBlocker(outcomes, delta, legBlockers) : undefined
      if (blocker) host.warning(`s3-prune skipped: ${blocker}`)
      try {
        const result = await uploadReports(s3, uploadItems(outcomes, host), s3.prune && blocker === undefined, host)
        for (const failure of result.failed) errors.push(`S3 upload of ${failure.key} failed: ${failure.reason}`)
      } catch (error) {
        errors.push((error as Error).message)
      }
    })
  }

  await publish(settings, entries, changes, host)
  const violations = policyViolations(entries, settings.failOn)
  return { entries, delta, violations, errors }
}

/** Artifact, outputs, annotations, job summary and pull-request comment: what people see of the run. */
async function publish(settings: Settings, entries: RecommendationEntry[], changes: BaseChange[] | undefined, host: Host): Promise<void> {
  const images = entries.map((entry) => entry.image)
  const artifactId = settings.uploadArtifact
    ? await host.group('Upload the artifact', () =>
        uploadArtifact(
          { github: settings.github, ...(settings.artifactRetentionDays ? { retentionDays: settings.artifactRetentionDays } : {}) },
          settings.artifactName ?? artifactName(settings.github, images, settings.shard),
          settings.outputDir,
          host
        )
      )
    : undefined
  publishOutputs(
    entries,
    { graphFile: settings.graphFile, reportDir: settings.outputDir, ...(artifactId !== undefined ? { artifactId } : {}) },
    host
  )
  await annotate(entries, settings.dockerfiles, host)
  const link = runUrl(settings.github)
  const options = { ...(link ? { runUrl: link } : {}), ...(changes ? { changes } : {}) }
  const summary = renderSummary(entries, options)
  if (settings.summary) await host.group('Write the job summary', () => host.writeSummary(summary))
  if (settings.comment !== 'never') {
    // The same Markdown, folded further only when it would not fit a comment.
    const commentLimit = COMMENT_LIMIT - 200
    const markdown = summary.length <= commentLimit ? summary : renderSummary(entries, { ...options, limit: commentLimit })
    await host.group('Pull-request comment', () =>
      publishComment(
        { mode: settings.comment, ...(settings.githubToken ? { token: settings.githubToken } : {}), github: settings.github },
        images,
        markdown,
        host
      )
    )
  }
}

/**
 * What goes to S3: every readable report, once per image (a later report of the same image replaces
 * it, as the next scan will), named from the image reference. Files Cartography could not read stay
 * out: an undecodable object would block its cleanup.
 */
function uploadItems(outcomes: readonly ImageOutcome[], host: Host): UploadItem[] {
  const byName = new Map<string, UploadItem & { image: string }>()
  for (const outcome of [...outcomes].sort((a, b) => compareCodePoints(a.source, b.source))) {
    if (outcome.file === undefined || outcome.parsed?.status !== 'report') continue
    const image = outcomeImage(outcome)
    const name = reportFileName(image)
    const earlier = byName.get(name)
    if (earlier) host.warning(`${earlier.file} and ${outcome.file} are both reports of ${image}: only the last is uploaded`)
    byName.set(name, { name, file: outcome.file, image })
  }
  return [...byName.values()].map(({ name, file }) => ({ name, file }))
}

/**
 * Cartography's gating, made stricter: an image whose scan failed has no report, so its nodes would
 * be deleted as stale, and in the last job of a matrix a missing or failed leg is the same loss.
 * Cleanup needs at least one ingested report and nothing lost.
 */
export function cleanupBlocker(
  outcomes: readonly ImageOutcome[],
  delta: GraphDelta,
  legBlockers: readonly string[] = []
): string | undefined {
  if (legBlockers.length > 0) return `the matrix is incomplete: ${legBlockers.join('; ')}`
  const failedScans = outcomes.filter((outcome) => outcome.error !== undefined).length
  const unreadable = delta.reports.filter((report) => report.status === 'failed').length
  if (failedScans > 0) return `${failedScans} image(s) could not be scanned, so their graph would look stale`
  if (unreadable > 0) return `${unreadable} report(s) could not be read (as Cartography, cleanup never runs then)`
  if (!delta.reports.some((report) => report.status === 'parsed')) return 'no report was ingested'
  return undefined
}

/** Reads report files; a leg's report keeps the image reference the leg scanned. */
async function readReports(files: readonly string[], images: ReadonlyMap<string, string> | undefined, host: Host): Promise<ImageOutcome[]> {
  const limit = pLimit(READ_CONCURRENCY)
  return Promise.all(
    files.map((file) =>
      limit(async (): Promise<ImageOutcome> => {
        const source = displayPath(file)
        try {
          const parsed = parseReport(await readFile(file))
          if (parsed.status !== 'report') host.warning(`${source}: ${parsed.status}: ${parsed.reason ?? ''}`)
          for (const warning of parsed.warnings) host.warning(`${source}: ${warning}`)
          const image = images?.get(file)
          return { ...(image ? { image } : {}), source, file, parsed }
        } catch (error) {
          const reason = `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`
          host.warning(`${source}: ${reason}`)
          return { source, parsed: { status: 'undecodable', reason, warnings: [], recommendations: [] } }
        }
      })
    )
  )
}

/** Paths inside the working directory are shown relative to it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}
