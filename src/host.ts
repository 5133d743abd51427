/** What the pipeline needs from where it runs: a GitHub runner (the action) or a terminal (the CLI). */

export interface AnnotationPlace {
  title?: string
  file?: string
  startLine?: number
}

export interface Host {
  info(message: string): void
  warning(message: string, place?: AnnotationPlace): void
  /** Worth seeing, but nothing is wrong (a notice annotation on a runner). */
  notice(message: string): void
  debug(message: string): void
  /** Runs `work` inside a collapsible log group. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>
  setOutput(name: string, value: string): void
  /** Keeps a value out of every log line from now on. */
  setSecret(value: string): void
  /** Writes the job-summary Markdown where this host keeps it (if anywhere). */
  writeSummary(markdown: string): Promise<void>
}
