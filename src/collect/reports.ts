/**
 * Reads the report files a run was given and gives every report of the run one place in the output
 * folder, `reports/<name>`: the artifact then holds what the leg manifest names, the S3 keys are those
 * names, and the graph applies reports in the same order Cartography reads that folder or prefix.
 */
import { constants } from 'node:fs'
import { mkdir, open, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import pLimit from 'p-limit'
import type { Host } from '../host.js'
import { errorLine } from '../messages.js'
import type { ImageOutcome } from '../types/outcome.js'
import type { ParsedReport } from '../types/report.js'
import { compareCodePoints } from '../util/compare.js'
import { isInside } from '../util/paths.js'
import { logFileOf } from '../types/report-names.js'
import { MAX_REPORT_BYTES, parseReportFile } from '../report/parse.js'

const READ_CONCURRENCY = 16
export const REPORTS_FOLDER = 'reports'

/** A report read from a file the user named, with its bytes, to be placed in the output folder. */
export interface ReadReport {
  outcome: ImageOutcome
  /** The file it was read from. */
  path: string
  bytes?: Uint8Array
}

/**
 * Reads what each scan wrote. A scan is a failure when Scout exited 0 but wrote no report, or a file
 * that is not a usable report (an error text, a cut-short capture); its source is then its stderr log.
 */
export async function readScannedReports(scanned: readonly ImageOutcome[], outputDir: string): Promise<ImageOutcome[]> {
  return Promise.all(
    scanned.map(async (outcome): Promise<ImageOutcome> => {
      const { file } = outcome
      if (file === undefined || outcome.parsed !== undefined || outcome.error !== undefined) return outcome
      const failed = (error: string): ImageOutcome => ({
        ...(outcome.image ? { image: outcome.image } : {}),
        source: path.relative(outputDir, logFileOf(file)),
        error
      })
      let bytes: Uint8Array
      try {
        bytes = await readFile(file)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        return failed(
          code === 'ENOENT'
            ? 'docker scout exited 0 but wrote no report'
            : `cannot read the report Scout wrote: ${code ?? errorLine(error)}`
        )
      }
      let parsed: ParsedReport
      try {
        parsed = await parseReportFile(bytes)
      } catch (error) {
        return failed(`the report Scout wrote could not be parsed (a bug: please report it): ${errorLine(error)}`)
      }
      if (
        parsed.status === 'not-a-report' ||
        parsed.status === 'undecodable' ||
        parsed.status === 'incomplete' ||
        parsed.status === 'scout-error'
      ) {
        return failed(`docker scout exited 0 but the report cannot be used (${parsed.reason ?? parsed.status})`)
      }
      return { ...outcome, parsed }
    })
  )
}

/**
 * Reads report files; a leg's report keeps the image reference the leg scanned. A file that is not a
 * regular file (a FIFO, a device, a socket) is skipped with a warning, never opened for reading.
 */
export async function readReportFiles(
  files: readonly string[],
  images: ReadonlyMap<string, string> | undefined,
  host: Host
): Promise<ReadReport[]> {
  const limit = pLimit(READ_CONCURRENCY)
  const read = await Promise.all(
    files.map((file) =>
      limit(async (): Promise<ReadReport | undefined> => {
        const source = displayPath(file)
        const image = images?.get(file)
        const failed = (reason: string): ReadReport => {
          host.warning(`${source}: ${reason}`)
          return {
            outcome: { ...(image ? { image } : {}), source, parsed: { status: 'undecodable', reason, warnings: [], recommendations: [] } },
            path: file
          }
        }
        let bytes: Uint8Array
        try {
          const content = await readRegularFile(file)
          if (content === 'not-regular') {
            host.warning(`${source}: not a regular file (a FIFO, device or socket?): skipped`)
            return undefined
          }
          if (content === 'too-large') return failed(`file is over the ${MAX_REPORT_BYTES}-byte limit for a report`)
          bytes = content
        } catch (error) {
          return failed(`cannot read: ${(error as NodeJS.ErrnoException).code ?? errorLine(error)}`)
        }
        const parsed = await parseReportFile(bytes)
        if (parsed.status !== 'report') host.warning(`${source}: ${parsed.status}: ${parsed.reason ?? ''}`)
        for (const warning of parsed.warnings) host.warning(`${source}: ${warning}`)
        return { outcome: { ...(image ? { image } : {}), source, parsed }, path: file, bytes }
      })
    )
  )
  return read.filter((report) => report !== undefined)
}

/**
 * Opens without blocking and checks the opened file itself (no race with a swap): a FIFO opened for
 * reading would otherwise wait forever for a writer.
 */
async function readRegularFile(file: string): Promise<Uint8Array | 'not-regular' | 'too-large'> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const info = await handle.stat()
    if (!info.isFile()) return 'not-regular'
    if (info.size > MAX_REPORT_BYTES) return 'too-large'
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

/**
 * Writes every read report into `<outputDir>/reports/` under its path below the folder `reports` named
 * (a leg's report, under its own name), so the folder, the artifact and the S3 prefix keep the order
 * Cartography reads the original folder in: code-point order of the paths below it, hidden files and
 * subfolders included. Scanned reports are there already, and so is a report read from the folder itself.
 * Nothing is written outside the folder: every segment is a plain name (control characters and `\` go).
 */
export async function placeReports(
  scanned: readonly ImageOutcome[],
  read: readonly ReadReport[],
  outputDir: string,
  folders: readonly string[]
): Promise<ImageOutcome[]> {
  const folder = path.join(outputDir, REPORTS_FOLDER)
  await mkdir(folder, { recursive: true })
  const taken = new Set(scanned.flatMap((outcome) => (outcome.file ? [reportName(outputDir, outcome.file)] : [])))
  const ordered = [...read].sort((a, b) => compareCodePoints(a.outcome.source, b.outcome.source))
  // A report already in the folder (a run reading an earlier run's reports) keeps its place: no second copy beside it.
  const inPlace = (report: ReadReport) => isInside(folder, path.resolve(report.path))
  const named = folders.map((named) => path.resolve(named))
  // The deepest named folder holding the file; a leg's report (in no named folder) keeps its own name.
  const rootOf = (file: string) =>
    named.filter((root) => isInside(root, file)).reduce((deepest, root) => (root.length > deepest.length ? root : deepest), '') ||
    path.dirname(file)
  const placed: ImageOutcome[] = []
  for (const report of ordered) {
    const { outcome, bytes } = report
    // A file that is not a report (a README a pattern matched) is skipped, as Cartography skips it: no copy.
    if (bytes === undefined || outcome.parsed?.status === 'not-a-report') {
      placed.push(outcome)
      continue
    }
    if (inPlace(report)) {
      placed.push({ ...outcome, file: path.resolve(report.path) })
      continue
    }
    const source = path.resolve(report.path)
    const wanted = path.relative(rootOf(source), source).split(path.sep).map(plainSegment).join('/')
    let name = wanted
    for (let occurrence = 2; taken.has(name); occurrence++) name = wanted.replace(/(\.txt)?$/, `-${occurrence}$1`)
    taken.add(name)
    const file = path.join(folder, ...name.split('/'))
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, bytes)
    placed.push({ ...outcome, file })
  }
  return [...scanned, ...placed]
}

/** A report's name: its path below `<outputDir>/reports/`, with `/` between segments (the S3 key after the prefix). */
export function reportName(outputDir: string, file: string): string {
  return path.relative(path.join(outputDir, REPORTS_FOLDER), file).split(path.sep).join('/')
}

/** A path segment as a plain file name: no control character, no backslash, never `.` or `..`. */
function plainSegment(segment: string): string {
  const plain = segment.replace(/[\p{Cc}\\]/gu, '_')
  return plain === '.' || plain === '..' || plain === '' ? '_' : plain
}

/** Paths inside the working directory are shown relative to it. */
function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative
}
