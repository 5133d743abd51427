/**
 * The pipeline both front ends run: read (or scan) reports, build the graph, publish. Each stage runs
 * in a named log group; the action and the CLI differ only in the Host they pass.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { RunLedger } from './gate.js'
import { buildDelta, serializeDelta, type GraphDelta } from './graph/delta.js'
import type { Host } from './host.js'
import { errorLine } from './messages.js'
import { policyViolations } from './publish/policy.js'
import { COMMENT_LIMIT, publishComment, runUrl } from './publish/comment.js'
import { annotate, publishOutputs } from './publish/outputs.js'
import { renderSummary } from './publish/summary.js'
import { toEntry, type RecommendationEntry } from './publish/recommendations.js'
import { legOutcomes, writeLegManifest } from './matrix.js'
import { placeReports, readReportFiles, REPORTS_FOLDER } from './report/collect.js'
import { ensureScout } from './scan/provision.js'
import { scanImages } from './scan/scan.js'
import type { Settings } from './settings.js'
import { artifactName, uploadArtifact } from './sinks/artifact.js'
import { pushGraph, type BaseChange } from './sinks/neo4j.js'
import { checkS3Access, pruneReports, uploadReports } from './sinks/s3.js'

export interface RunResult {
  entries: RecommendationEntry[]
  delta: GraphDelta
  /** One line per `fail-on` rule that was hit; empty when the run passes. */
  violations: string[]
  /** Sinks that failed (a Neo4j push, an upload), or a run that read nothing: the step fails whatever `fail-on` says. */
  errors: string[]
}

export async function runPipeline(settings: Settings, host: Host): Promise<RunResult> {
  const { neo4j, s3 } = settings
  const ledger = new RunLedger()
  await mkdir(settings.outputDir, { recursive: true })
  if (s3) await host.group('Check S3 access', () => checkS3Access(s3))
  if (settings.images.length > 0) await host.group('Set up Docker Scout', () => ensureScout(settings.scan.scout, host))
  const scanned =
    settings.images.length > 0 ? await host.group(`Scan ${settings.images.length} image(s)`, () => scanImages(settings, host)) : []
  const read =
    settings.reportFiles.length > 0
      ? await host.group(`Read ${settings.reportFiles.length} report(s)`, () =>
          readReportFiles(settings.reportFiles, settings.legs?.reportImages, host)
        )
      : []
  if (settings.legs) for (const line of settings.legs.taken) host.info(`Took ${line}`)
  const outcomes = [...(await placeReports(scanned, read, settings.outputDir)), ...(settings.legs ? legOutcomes(settings.legs) : [])]
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
  if (outcomes.length === 0 && settings.images.length === 0) {
    ledger.fail('nothing was read: no report file and no leg report could be read')
  }
  for (const blocker of settings.legs?.blockers ?? []) ledger.lose(`the matrix is incomplete: ${blocker}`)
  const failedScans = outcomes.filter((outcome) => outcome.error !== undefined).length
  if (failedScans > 0) ledger.lose(`${failedScans} image(s) could not be scanned, so their graph would look stale`)

  const delta = await host.group('Build the graph', async () => {
    // Reports apply in the order of their names, the order Cartography reads the folder or the S3 prefix in.
    const ingested = outcomes.flatMap((outcome) =>
      outcome.parsed ? [{ source: outcome.file ? reportPath(outcome.file) : outcome.source, parsed: outcome.parsed }] : []
    )
    const built = buildDelta(ingested, settings.graphMode, settings.updateTag)
    await mkdir(path.dirname(settings.graphFile), { recursive: true })
    await writeFile(settings.graphFile, serializeDelta(built))
    host.info(
      `${built.nodes.length} node(s), ${built.relationships.length} relationship(s), ${built.imageLinks.length} image link(s) → ${settings.graphFile}`
    )
    return built
  })
  const unreadable = delta.reports.filter((report) => report.status === 'failed').length
  if (unreadable > 0) ledger.lose(`${unreadable} report(s) could not be read (as Cartography, cleanup never runs then)`)
  ledger.ingest(delta.reports.filter((report) => report.status === 'parsed').length)

  // Writes first, destructive steps last: each destructive step asks the gate, after every write it depends on.
  const uploadedKeys = s3
    ? await host.group(`Upload the reports to s3://${s3.bucket}/${s3.prefix}`, async () => {
        const items = outcomes.flatMap((outcome) =>
          outcome.file && outcome.parsed?.status === 'report' ? [{ name: path.basename(outcome.file), file: outcome.file }] : []
        )
        try {
          const result = await uploadReports(s3, items, host)
          for (const failure of result.failed) ledger.fail(`S3 upload of ${failure.key} failed: ${failure.reason}`)
          return result.uploaded
        } catch (error) {
          ledger.fail(`S3 upload failed: ${errorLine(error)}`)
          return []
        }
      })
    : []

  let changes: BaseChange[] | undefined
  if (neo4j) {
    await host.group('Push the graph to Neo4j', async () => {
      const blocker = neo4j.cleanup ? ledger.blocker() : undefined
      if (blocker) host.warning(`Cleanup skipped: ${blocker}`)
      try {
        changes = (await pushGraph(delta, neo4j, neo4j.cleanup && blocker === undefined, host)).changes
      } catch (error) {
        ledger.fail(errorLine(error))
      }
    })
  }

  if (s3?.prune) {
    await host.group(`Prune s3://${s3.bucket}/${s3.prefix}`, async () => {
      const blocker = ledger.blocker()
      if (blocker) {
        host.warning(`s3-prune skipped: ${blocker}`)
        return
      }
      try {
        await pruneReports(s3, uploadedKeys, host)
      } catch (error) {
        ledger.fail(`s3-prune failed: ${errorLine(error)}`)
      }
    })
  }

  await publish(settings, entries, changes, host)
  const violations = policyViolations(entries, settings.failOn)
  return { entries, delta, violations, errors: ledger.errors }
}

/** `reports/<name>`: where a report sits in the output folder and in the artifact. */
function reportPath(file: string): string {
  return `${REPORTS_FOLDER}/${path.basename(file)}`
}

/** Artifact, outputs, annotations, job summary and pull-request comment: what people see of the run. */
async function publish(settings: Settings, entries: RecommendationEntry[], changes: BaseChange[] | undefined, host: Host): Promise<void> {
  const images = entries.map((entry) => entry.image)
  // Off a runner (the CLI) there is no artifact service and no pull request: no empty groups for them.
  const artifactId =
    settings.uploadArtifact && (settings.github.artifactService || settings.github.runId !== undefined)
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
  if (settings.comment === 'always' || (settings.comment === 'auto' && settings.github.pullRequest !== undefined)) {
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
