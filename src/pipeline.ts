/**
 * The pipeline both front ends run: read (or scan) reports, build the graph, publish. Each stage runs
 * in a named log group; the action and the CLI differ only in the Host they pass.
 */
import { mkdir } from 'node:fs/promises'
import { RunLedger } from './gate.js'
import type { GraphDelta } from './graph/delta.js'
import type { Host } from './host.js'
import { policyViolations } from './publish/policy.js'
import { toEntry, type RecommendationEntry } from './publish/recommendations.js'
import { collectStage } from './stages/collect.js'
import { graphStage } from './stages/graph.js'
import { publishStage } from './stages/publish.js'
import type { Run } from './stages/run.js'
import { scanStage } from './stages/scan.js'
import { checkSinksStage, pruneStage, pushStage, uploadStage } from './stages/sinks.js'
import type { Settings } from './types/settings.js'

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
  await checkSinksStage(run)
  const outcomes = await collectStage(run, await scanStage(run))
  const delta = await graphStage(run, outcomes)
  const uploadedKeys = await uploadStage(run, outcomes)
  const changes = await pushStage(run, delta)
  await pruneStage(run, uploadedKeys)
  const entries = outcomes.map(toEntry)
  await publishStage(run, entries, changes)
  return { entries, delta, violations: policyViolations(entries, settings.failOn), errors: run.ledger.errors }
}
