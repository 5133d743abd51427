/** The one recording Host of the tests: everything the pipeline says, in order, without a runner. */
import type { AnnotationPlace, Host } from '../../src/host.js'

export interface RecordingHost {
  host: Host
  /** Info lines as they are; `warning: …`, `notice: …`, `debug: …`, `group: …` for the rest; in order. */
  lines: string[]
  /** Warnings with the place (file and line) they annotate. */
  warnings: { message: string; place?: AnnotationPlace }[]
  outputs: Record<string, string>
  summaries: string[]
  /** Forgets everything recorded so far. */
  clear(): void
}

export function recordingHost(): RecordingHost {
  const recorded: RecordingHost = {
    lines: [],
    warnings: [],
    outputs: {},
    summaries: [],
    clear() {
      recorded.lines.length = 0
      recorded.warnings.length = 0
      recorded.summaries.length = 0
      for (const name of Object.keys(recorded.outputs)) delete recorded.outputs[name]
    },
    host: {
      info: (message) => recorded.lines.push(message),
      warning: (message, place) => {
        recorded.lines.push(`warning: ${message}`)
        recorded.warnings.push({ message, ...(place ? { place } : {}) })
      },
      notice: (message) => recorded.lines.push(`notice: ${message}`),
      debug: (message) => recorded.lines.push(`debug: ${message}`),
      group: async (name, work) => {
        recorded.lines.push(`group: ${name}`)
        return work()
      },
      setOutput: (name, value) => void (recorded.outputs[name] = value),
      setSecret: () => undefined,
      writeSummary: async (markdown) => void recorded.summaries.push(markdown)
    }
  }
  return recorded
}

/** A Host that says only its warnings (on stderr), for benchmarks whose own lines are the figures; `BENCH_DEBUG` adds debug lines. */
export function quietHost(): Host {
  return {
    info: () => undefined,
    warning: (message) => console.warn(`warning: ${message}`),
    notice: () => undefined,
    debug: (message) => {
      if (process.env.BENCH_DEBUG) console.warn(`  ${message}`)
    },
    group: (_name, work) => work(),
    setOutput: () => undefined,
    setSecret: () => undefined,
    writeSummary: async () => undefined
  }
}
