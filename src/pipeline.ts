/**
 * The pipeline both front ends run: read (or scan) reports, build the graph, publish. Each stage runs
 * in a named log group; the action and the CLI differ only in the Host they pass.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import { buildDelta, serializeDelta, type GraphDelta } from './graph/delta.js'
import type { Host } from './host.js'
import { policyViolations } from './publish/policy.js'
import { renderSummary } from './publish/summary.js'
import { isOutdated, toEntry, type ImageOutcome, type RecommendationEntry } from './publish/recommendations.js'
import { parseReport } from './report/parse.js'
import { ensureScout } from './scan/provision.js'
import { scanImages } from './scan/scan.js'
import type { Settings } from './settings.js'
import { pushGraph } from './sinks/neo4j.js'

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
  await mkdir(settings.outputDir, { recursive: true })
  if (settings.images.length > 0) await host.group('Set up Docker Scout', () => ensureScout(settings.scan.scout, host))
  const scanned =
    settings.images.length > 0 ? await host.group(`Scan ${settings.images.length} image(s)`, () => scanImages(settings, host)) : []
  const read =
    settings.reportFiles.length > 0
      ? await host.group(`Read ${settings.reportFiles.length} report(s)`, () => readReports(settings.reportFiles, host))
      : []
  const outcomes = [...scanned, ...read]
  const entries = outcomes.map(toEntry)

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
  const { neo4j } = settings
  if (neo4j) {
    await host.group('Push the graph to Neo4j', async () => {
      const blocker = neo4j.cleanup ? cleanupBlocker(outcomes, delta) : undefined
      if (blocker) host.warning(`Cleanup skipped: ${blocker}`)
      try {
        await pushGraph(delta, neo4j, neo4j.cleanup && blocker === undefined, host)
      } catch (error) {
        errors.push((error as Error).message)
      }
    })
  }

  publishOutputs(settings, entries, host)
  if (settings.summary) await host.group('Write the job summary', () => host.writeSummary(renderSummary(entries)))
  const violations = policyViolations(entries, settings.failOn)
  return { entries, delta, violations, errors }
}

/**
 * Cartography's gating, made stricter by one rule: an image whose scan failed has no report, so its
 * nodes would be deleted as stale. Cleanup needs at least one ingested report and nothing lost.
 */
export function cleanupBlocker(outcomes: readonly ImageOutcome[], delta: GraphDelta): string | undefined {
  const failedScans = outcomes.filter((outcome) => outcome.error !== undefined).length
  const unreadable = delta.reports.filter((report) => report.status === 'failed').length
  if (failedScans > 0) return `${failedScans} image(s) could not be scanned, so their graph would look stale`
  if (unreadable > 0) return `${unreadable} report(s) could not be read (as Cartography, cleanup never runs then)`
  if (!delta.reports.some((report) => report.status === 'parsed')) return 'no report was ingested'
  return undefined
}

async function readReports(files: readonly string[], host: Host): Promise<ImageOutcome[]> {
  const limit = pLimit(READ_CONCURRENCY)
  return Promise.all(
    files.map((file) =>
      limit(async (): Promise<ImageOutcome> => {
        const source = displayPath(file)
        try {
          const parsed = parseReport(await readFile(file))
          if (parsed.status !== 'report') host.warning(`${source}: ${parsed.status}: ${parsed.reason ?? ''}`)
          for (const warning of parsed.warnings) host.warning(`${source}: ${warning}`)
          return { source, parsed }
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

function publishOutputs(settings: Settings, entries: RecommendationEntry[], host: Host): void {
  const failed = entries.filter((entry) => entry.status === 'failed')
  host.setOutput('recommendations', JSON.stringify(entries))
  host.setOutput('graph-file', settings.graphFile)
  host.setOutput('report-dir', settings.outputDir)
  host.setOutput('scanned-count', String(entries.length))
  host.setOutput('failed-count', String(failed.length))
  host.setOutput('outdated-count', String(entries.filter(isOutdated).length))
  host.setOutput('failed-images', JSON.stringify(failed.map((entry) => entry.image)))
}
