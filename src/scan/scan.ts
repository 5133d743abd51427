/**
 * Runs `docker scout recommendations --output FILE … REF` per image: at most `concurrency` at once,
 * each image with its own Scout cache folder (Scout 1.19 breaks when processes share one; one per image
 * means a kept cache finds the image's SBOM the next run, whatever the concurrency), killed with its
 * children past `timeout-seconds`, retried with backoff only when the cause is transient.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import type { Host } from '../host.js'
import { redact } from '../messages.js'
import type { ImageOutcome } from '../types/outcome.js'
import { childEnvironment } from './child-env.js'
import { logFileOf, reportFileName } from '../types/report-names.js'
import type { ScanJob } from '../types/settings.js'

export interface ScanTiming {
  /** First retry waits about this long, doubling each time (with jitter). */
  retryBaseMs: number
}

interface Attempt {
  exitCode: number | null
  timedOut: boolean
  stderr: string
}

export function scoutArguments(settings: ScanJob, reference: string, output: string): string[] {
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

export async function scanImages(settings: ScanJob, host: Host, timing: ScanTiming = { retryBaseMs: 2000 }): Promise<ImageOutcome[]> {
  const reportDir = path.join(settings.outputDir, 'reports')
  await mkdir(reportDir, { recursive: true })
  const limit = pLimit(settings.scan.concurrency)
  const cacheRoot = settings.scan.cacheDir ?? path.join(settings.outputDir, '.scout-cache')
  let done = 0
  const outcomes = await Promise.all(
    settings.images.map((reference) =>
      limit(async () => {
        const started = Date.now()
        const outcome = await scanOne(settings, reference, reportDir, path.join(cacheRoot, cacheFolderOf(reference)), host, timing)
        done++
        const result = outcome.error ?? outcome.parsed?.status ?? 'exited 0'
        host.info(`[${done}/${settings.images.length}] ${reference}: ${result} (${((Date.now() - started) / 1000).toFixed(1)}s)`)
        return outcome
      })
    )
  )
  const failed = outcomes.filter((outcome) => outcome.error !== undefined).length
  host.info(`scanned ${outcomes.length} image(s): ${outcomes.length - failed} with a report, ${failed} failed`)
  return outcomes
}

/** An image's own Scout cache folder: a name derived from the reference, which never leaves the cache root. */
export const cacheFolderOf = (reference: string): string => createHash('sha256').update(reference).digest('hex').slice(0, 24)

async function scanOne(
  settings: ScanJob,
  reference: string,
  reportDir: string,
  cacheDir: string,
  host: Host,
  timing: ScanTiming
): Promise<ImageOutcome> {
  const file = path.join(reportDir, reportFileName(reference))
  const log = logFileOf(file)
  // A failed scan has no report: its source is the log of Scout's stderr beside where the report would be.
  const failed = (error: string): ImageOutcome => ({ image: reference, source: path.relative(settings.outputDir, log), error })
  for (let attempt = 0; ; attempt++) {
    // A report left by an earlier run must never be read as this attempt's.
    await rm(file, { force: true })
    const run = await runScout(settings, reference, file, log, cacheDir)
    // Exit 0: what Scout wrote is read by the report stage, which judges whether it is a usable report.
    if (run.exitCode === 0 && !run.timedOut) return { image: reference, source: path.relative(settings.outputDir, file), file }
    const cause = classify(run, settings.scan.timeoutSeconds)
    // A Scout killed or crashed mid-way may have left its cache half written: the image is indexed afresh next time.
    if (run.timedOut || cause.crashed) await rm(cacheDir, { recursive: true, force: true })
    if (cause.noBaseImage) {
      return {
        image: reference,
        source: path.relative(settings.outputDir, log),
        parsed: { status: 'no-base-image', reason: cause.message, warnings: [], recommendations: [] }
      }
    }
    if (!cause.retryable || attempt >= settings.scan.retries) return failed(cause.message)
    const delay = timing.retryBaseMs * 2 ** attempt * (0.5 + Math.random())
    host.warning(`${reference}: ${cause.message}; retrying in ${(delay / 1000).toFixed(1)}s (${attempt + 1}/${settings.scan.retries})`)
    await new Promise((resolve) => setTimeout(resolve, delay))
  }
}

/**
 * Scout's stderr patterns, most specific first, anchored on what Scout and Go really print: a progress
 * line such as "429 packages indexed" is not a rate limit, and a panic is never retried.
 */
const CAUSES: {
  pattern: RegExp
  retryable: boolean
  message: (lastLine: string, exitCode: number | null) => string
  noBaseImage?: true
  crashed?: true
}[] = [
  {
    pattern: /^panic: |^goroutine \d+ \[/m,
    retryable: false,
    message: (_, code) => `docker scout crashed (Go panic, exit ${code})`,
    crashed: true
  },
  { pattern: /image has no base image/, retryable: false, message: () => 'Scout: image has no base image', noBaseImage: true },
  {
    pattern: /not entitled|Log in with your Docker ID|could not authenticate/i,
    retryable: false,
    message: () => 'not logged in to Docker Hub or not entitled to Docker Scout: set dockerhub-user and dockerhub-password (a PAT)'
  },
  {
    pattern:
      /\btoomanyrequests\b|\b429 Too Many Requests\b|\bstatus(?: code)?:? 429\b|\bHTTP\/[\d.]+ 429\b|\brate limit(?:ed| exceeded)\b|\bpull rate limit\b/i,
    retryable: true,
    message: (line) => `rate limited: ${line}`
  },
  {
    pattern:
      /\bi\/o timeout\b|\bconnection reset by peer\b|\bconnection refused\b|\bno such host\b|\bTLS handshake timeout\b|\btemporary failure in name resolution\b|\b50[234] (?:Service Unavailable|Bad Gateway|Gateway Timeout)\b|\bunexpected EOF\b/i,
    retryable: true,
    message: (line) => `network error: ${line}`
  },
  {
    pattern:
      /\bmanifest unknown\b|\bno such image\b|\bimage not found\b|\bnot found\b|\baccess denied\b|\bdenied\b|\bforbidden\b|\bunauthorized\b/i,
    retryable: false,
    message: (line) => `image not found or no access: ${line}`
  }
]

type Cause = { retryable: boolean; message: string; noBaseImage?: true; crashed?: true }

/** Reads Scout's stderr and exit code into a cause users can act on. */
function classify(run: Attempt, timeoutSeconds: number): Cause {
  if (run.timedOut) return { retryable: false, message: `timed out after ${timeoutSeconds}s (killed with its children)` }
  const lastLine = run.stderr.trim().split('\n').at(-1)?.trim().slice(0, 300) ?? ''
  const cause = CAUSES.find(({ pattern }) => pattern.test(run.stderr))
  if (cause === undefined) return { retryable: false, message: `docker scout exited ${run.exitCode}${lastLine ? `: ${lastLine}` : ''}` }
  return {
    retryable: cause.retryable,
    message: cause.message(lastLine, run.exitCode),
    ...(cause.noBaseImage ? { noBaseImage: true } : {}),
    ...(cause.crashed ? { crashed: true } : {})
  }
}

/** After the timeout (or the exit), how long to wait for the pipes to close before giving up on them. */
const PIPE_GRACE_MS = 1000

/**
 * One scout process in its own process group, so a timeout kills it and everything it started. The
 * wait ends on time whatever the children do: a grandchild that left the group and holds stderr open
 * cannot keep it waiting past the grace period.
 */
async function runScout(settings: ScanJob, reference: string, output: string, log: string, cacheDir: string): Promise<Attempt> {
  await mkdir(cacheDir, { recursive: true })
  const attempt = await new Promise<Attempt>((resolve) => {
    const child = spawn('docker', scoutArguments(settings, reference, output), {
      env: childEnvironment(process.env, { ...settings.scan.credentials, DOCKER_SCOUT_CACHE_DIR: cacheDir }),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true
    })
    let stderr = ''
    let timedOut = false
    let exitCode: number | null = null
    let settled = false
    const timers: NodeJS.Timeout[] = []
    const finish = (result: Attempt) => {
      if (settled) return
      settled = true
      for (const timer of timers) clearTimeout(timer)
      child.stderr.destroy()
      resolve(result)
    }
    const giveUpOnPipes = () => timers.push(setTimeout(() => finish({ exitCode, timedOut, stderr }), PIPE_GRACE_MS))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    timers.push(
      setTimeout(() => {
        timedOut = true
        killGroup(child.pid)
        giveUpOnPipes()
      }, settings.scan.timeoutSeconds * 1000)
    )
    child.on('error', (error) => finish({ exitCode: null, timedOut: false, stderr: `cannot run docker: ${error.message}` }))
    child.on('exit', (code) => {
      exitCode = code
      giveUpOnPipes()
    })
    child.on('close', (code) => finish({ exitCode: code ?? exitCode, timedOut, stderr }))
  })
  // The log keeps Scout's stderr beside the report, never a credential it might echo.
  const redacted = redact(attempt.stderr, Object.values(settings.scan.credentials))
  await writeFile(log, redacted)
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
