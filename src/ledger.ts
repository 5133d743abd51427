/**
 * The run's ledger, and the one gate every destructive step (Neo4j cleanup, `s3-prune`, any later one)
 * passes through. Stages record here what failed; a destructive step runs only when nothing did: every
 * report was read, every scan and upload succeeded, the matrix was complete, and something was ingested.
 */
export class RunLedger {
  /** What fails the step, whatever `fail-on` says: a sink that failed, a run that read nothing, a SARIF file not written. */
  readonly errors: string[] = []
  /** What was lost without failing the step by itself (`fail-on` decides): it still blocks destruction. */
  readonly losses: string[] = []
  private ingested = 0

  /** Fails the step (and, like every failure, blocks every destructive step). */
  fail(message: string): void {
    this.errors.push(message)
  }

  /** Blocks every destructive step; `fail-on` decides whether the step fails. Part of the run's data is missing: a failed scan, an unreadable report, an incomplete matrix. */
  lose(message: string): void {
    this.losses.push(message)
  }

  /** Reports that reached the graph. */
  ingest(count: number): void {
    this.ingested += count
  }

  /** Why a destructive step must not run now, or undefined when it may. */
  blocker(): string | undefined {
    const reasons = [...this.losses, ...this.errors]
    if (reasons.length > 0) return reasons.join('; ')
    if (this.ingested === 0) return 'no report was ingested'
    return undefined
  }
}
