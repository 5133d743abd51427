/**
 * Runs `docker scout recommendations --output FILE … REF` per image: at most `concurrency` at once,
 * each with its own Scout cache folder (Scout 1.19 breaks when processes share one), killed with its
 * children past `timeout-seconds`, retried with backoff only when the cause is transient.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import type { Host } from '../host.js'
import { redact } from '../messages.js'
import type { ImageOutcome } from '../publish/recommendations.js'
import { parseReport } from '../report/parse.js'
import type { Settings } from '../settings.js'

export interface ScanTiming {
  /** First retry waits about this long, doubling each time (with jitter). */
  retryBaseMs: number
}

interface Attempt {
  exitCode: number | null
  timedOut: boolean
  stderr: string
}

type Cause = { retryable: boolean; message: string }

/** A file name for a reference: readable, unique (a hash of the exact reference), inside the folder. */
export function reportFileName(reference: string): string {
  const readable = reference
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 80)
  const hash = createHash('sha256').update(reference).digest('hex').slice(0, 10)
  return `${readable || 'image'}-${hash}.txt`
}

export function scoutArguments(settings: Settings, reference: string, output: string): string[] {
  const { scan } = settings
  return [
    'scout',
    'recommendations',
    '--output',
    output,
    ...(scan.platform ? ['--platform', scan.platform] : []),
    ...(scan.tag ? ['--tag', scan.tag] : []),
    ...(scan.org ? ['--org', scan.org] : []),
    ...(scan.onlyRefresh ? ['--only-refresh'] : []),
    ...(scan.onlyUpdate ? ['--only-update'] : []),
    reference
  ]
}

export async function scanImages(settings: Settings, host: Host, timing: ScanTiming = { retryBaseMs: 2000 }): Promise<ImageOutcome[]> {
  const reportDir = path.join(settings.outputDir, 'reports')
  await mkdir(reportDir, { recursive: true })
  const limit = pLimit(settings.scan.concurrency)
  const freeWorkers = Array.from({ length: settings.scan.concurrency }, (_, i) => i)
  let done = 0
  const outcomes = await Promise.all(
    settings.images.map((reference) =>
      limit(async () => {
        const worker = freeWorkers.pop() ?? 0
        const started = Date.now()
        try {
          const outcome = await scanOne(settings, reference, reportDir, worker, host, timing)
          done++
          const result = outcome.error ?? outcome.parsed?.status ?? 'failed'
          host.info(`[${done}/${settings.images.length}] ${reference}: ${result} (${((Date.now() - started) / 1000).toFixed(1)}s)`)
          return outcome
        } finally {
          freeWorkers.push(worker)
        }
      })
    )
  )
  const failed = outcomes.filter((outcome) => outcome.error !== undefined).length
  host.info(`scanned ${outcomes.length} image(s): ${outcomes.length - failed} with a report, ${failed} failed`)
  return outcomes
}

async function scanOne(
  settings: Settings,
  reference: string,
  reportDir: string,
  worker: number,
  host: Host,
  timing: ScanTiming
): Promise<ImageOutcome> {
  const file = path.join(reportDir, reportFileName(reference))
  const source = path.relative(settings.outputDir, file)
  for (let attempt = 0; ; attempt++) {
    const run = await runScout(settings, reference, file, worker)
    if (run.exitCode === 0 && !run.timedOut) {
      const parsed = await readReport(file)
      if (parsed === undefined) return { image: reference, source, error: 'docker scout exited 0 but wrote no report' }
      if (parsed.status === 'not-a-report' || parsed.status === 'undecodable') {
        return { image: reference, source, error: `docker scout exited 0 but the file is not a report (${parsed.reason ?? parsed.status})` }
      }
      return { image: reference, source, file, parsed }
    }
    if (run.stderr.includes('image has no base image')) {
      return {
        image: reference,
        source,
        parsed: { status: 'no-base-image', reason: 'Scout: image has no base image', warnings: [], recommendations: [] }
      }
    }
    const cause = classify(run, settings.scan.timeoutSeconds)
    if (!cause.retryable || attempt >= settings.scan.retries) return { image: reference, source, error: cause.message }
    const delay = timing.retryBaseMs * 2 ** attempt * (0.5 + Math.random())
    host.warning(`${reference}: ${cause.message}; retrying in ${(delay / 1000).toFixed(1)}s (${attempt + 1}/${settings.scan.retries})`)
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}

async function readReport(file: string) {
  try {
    return parseReport(await readFile(file))
  } catch {
    return undefined
  }
}

/** Reads Scout's stderr and exit code into a cause users can act on. */
function classify(run: Attempt, timeoutSeconds: number): Cause {
  const text = run.stderr
  const lastLine = text.trim().split('\n').at(-1)?.trim().slice(0, 300) ?? ''
  if (run.timedOut) return { retryable: false, message: `timed out after ${timeoutSeconds}s (killed with its children)` }
  if (/not entitled|Log in with your Docker ID|could not authenticate/i.test(text)) {
    return {
      retryable: false,
      message: 'not logged in to Docker Hub or not entitled to Docker Scout: set dockerhub-user and dockerhub-password (a PAT)'
    }
  }
  if (
    /toomanyrequests|rate limit|429|i\/o timeout|connection reset|connection refused|no such host|TLS handshake timeout|temporary failure|503 Service|502 Bad Gateway|unexpected EOF/i.test(
      text
    )
  ) {
    return { retryable: true, message: `rate limited or network error: ${lastLine}` }
  }
  if (/panic:|goroutine \d+ \[/.test(text)) return { retryable: false, message: `docker scout crashed (Go panic, exit ${run.exitCode})` }
  if (/not found|manifest unknown|no such image|denied|forbidden|unauthorized/i.test(text)) {
    return { retryable: false, message: `image not found or no access: ${lastLine}` }
  }
  return { retryable: false, message: `docker scout exited ${run.exitCode}${lastLine ? `: ${lastLine}` : ''}` }
}

/** One scout process in its own process group, so a timeout kills it and everything it started. */
async function runScout(settings: Settings, reference: string, output: string, worker: number): Promise<Attempt> {
  const cacheDir = path.join(settings.outputDir, '.scout-cache', String(worker))
  await mkdir(cacheDir, { recursive: true })
  const attempt = await new Promise<Attempt>((resolve) => {
    const child = spawn('docker', scoutArguments(settings, reference, output), {
      env: { ...process.env, ...settings.scan.credentials, DOCKER_SCOUT_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true
    })
    let stderr = ''
    let timedOut = false
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child.pid)
    }, settings.scan.timeoutSeconds * 1000)
    child.on('error', (error) => {
      clearTimeout(timer)
      resolve({ exitCode: null, timedOut: false, stderr: `cannot run docker: ${error.message}` })
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ exitCode: code, timedOut, stderr })
    })
  })
  // The log keeps Scout's stderr beside the report, never a credential it might echo.
  const redacted = redact(attempt.stderr, Object.values(settings.scan.credentials))
  await writeFile(`${output.slice(0, -'.txt'.length)}.log`, redacted)
  return { ...attempt, stderr: redacted }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}
