/** The report files to ingest: `reports` patterns, and the leg manifests of `legs`. */
import path from 'node:path'
import { errorLine } from '../messages.js'
import { isInside } from '../util/paths.js'
import { readLegs } from '../matrix/legs.js'
import type { LegsPlan } from '../types/settings.js'
import { InputError, splitList } from './values.js'

export interface ReportSources {
  reportFiles: string[]
  reportFolders: string[]
  legs?: LegsPlan
}

/** Expands glob patterns to files (`@actions/glob`, directories recursive). */
export type MatchFiles = (patterns: string[]) => Promise<string[]>

export async function reportSources(reports: string, legsInput: string, matchFiles: MatchFiles, updateTag: number): Promise<ReportSources> {
  const reportPatterns = splitList(reports, /\n/)
  const matchedReports = reportPatterns.length > 0 ? await matchFiles(reportPatterns) : []
  if (reportPatterns.length > 0 && matchedReports.length === 0) {
    throw new InputError('reports', `no file matches ${reportPatterns.map((p) => JSON.stringify(p)).join(', ')}`)
  }
  const legPatterns = splitList(legsInput, /\n/)
  let legs: LegsPlan | undefined
  if (legPatterns.length > 0) {
    const manifests = await matchFiles(legPatterns)
    // A wrong download path in the last job must not pass green with nothing read.
    if (manifests.length === 0) throw new InputError('legs', `no file matches ${legPatterns.map((p) => JSON.stringify(p)).join(', ')}`)
    try {
      legs = await readLegs(manifests, updateTag)
    } catch (error) {
      throw new InputError('legs', errorLine(error))
    }
  }
  // A report inside a leg's folder is read through `legs` only (newest attempt), never twice.
  const ownReports = legs ? matchedReports.filter((file) => !legs.folders.some((folder) => isInside(folder, file))) : matchedReports
  if (legs && ownReports.length < matchedReports.length) {
    legs.taken.push(
      `${matchedReports.length - ownReports.length} file(s) matched by reports are in the legs' folders: read through legs only`
    )
  }
  const reportFiles = [...new Set([...ownReports, ...(legs?.reportFiles ?? [])].map((file) => path.resolve(file)))]
  const matched = new Set(matchedReports.map((file) => path.resolve(file)))
  return { reportFiles, reportFolders: reportPatterns.map((pattern) => searchFolder(pattern, matched)), ...(legs ? { legs } : {}) }
}

/** The folder a pattern searches: its segments before the first wildcard; a file named as it is stands in its folder. */
function searchFolder(pattern: string, matched: ReadonlySet<string>): string {
  const literal = pattern.replace(/^!/, '')
  const segments = path.resolve(literal).split(path.sep)
  const wild = segments.findIndex((segment) => /[*?[\]{}]/.test(segment))
  if (wild >= 0) return segments.slice(0, wild).join(path.sep) || path.sep
  const resolved = path.resolve(literal)
  return matched.has(resolved) ? path.dirname(resolved) : resolved
}
