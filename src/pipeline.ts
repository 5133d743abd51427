/**
 * The pipeline both front ends run: read (or scan) reports, build the graph, weigh the options, publish.
 * Each stage runs in a named log group; the action and the CLI differ only in the Host they pass.
 */
import { mkdir } from 'node:fs/promises'
import type { GraphDelta } from './graph/delta.js'
import type { Host } from './host.js'
import { RunLedger } from './ledger.js'
import { artifactStage } from './stages/artifact.js'
import { locateStage, sarifStage } from './stages/code-scanning.js'
import { collectStage } from './stages/collect.js'
import { commentStage } from './stages/comment.js'
import { dashboardStage } from './stages/dashboard.js'
import { fixPatchStage, fixPrStage, suggestionsStage } from './stages/fix.js'
import { graphStage } from './stages/graph.js'
import { pushStage } from './stages/neo4j.js'
import { outputsStage } from './stages/outputs.js'
import type { Run } from './stages/run.js'
import { checkS3Stage, pruneStage, uploadStage } from './stages/s3.js'
import { scanStage } from './stages/scan.js'
import { runView, summaryStage } from './stages/summary.js'
import { verdictStage } from './stages/verdict.js'
import type { RecommendationEntry } from './types/entry.js'
import type { Settings } from './types/settings.js'
import { failOnViolations } from './verdict/fail-on.js'

export interface RunResult {
  entries: RecommendationEntry[]
  delta: GraphDelta
  /** One line per `fail-on` rule that was hit; empty when the run passes. */
  violations: string[]
  /** Sinks that failed (a Neo4j push, an upload), or a run that read nothing: the step fails whatever `fail-on` says. */
  errors: string[]
}

/** Only the order of the stages; each stage runs in its log group and records its failures in the ledger. */
export async function runPipeline(settings: Settings, host: Host): Promise<RunResult> {
  const run: Run = { settings, host, ledger: new RunLedger() }
  await mkdir(settings.outputDir, { recursive: true })
  await checkS3Stage(run)
  const outcomes = await collectStage(run, await scanStage(run))
  const delta = await graphStage(run, outcomes)
  const uploadedKeys = await uploadStage(run, outcomes)
  const changes = await pushStage(run, delta)
  await pruneStage(run, uploadedKeys)
  const entries = verdictStage(run, outcomes)
  const fromLines = await locateStage(run, entries)
  const { located } = fromLines
  // The patch is written before the artifact is uploaded, so the artifact carries it.
  const proposals = await fixPatchStage(run, entries, located)
  await sarifStage(run, fromLines, proposals)
  const artifactId = await artifactStage(run, entries)
  await outputsStage(run, entries, artifactId, located)
  const fixes = await fixPrStage(run, entries, proposals)
  await suggestionsStage(run, proposals)
  const view = runView(run, located, changes, { proposals, ...(fixes ? { result: fixes } : {}) })
  await summaryStage(run, entries, view)
  await commentStage(run, entries, view)
  await dashboardStage(run, entries, view)
  return { entries, delta, violations: failOnViolations(entries, settings.failOn), errors: run.ledger.errors }
}
