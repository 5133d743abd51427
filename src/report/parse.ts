/**
 * Reads a `docker scout recommendations` text report. On clean reports it gives exactly the values
 * Cartography's `recommendation_parser.py` gives; it also reads what terminals really print (see
 * toLines) and never throws: every input gets a status, and unusable ones a reason.
 */
import { decodeReport, loadConsoleCodePages, needsConsoleCodePages } from './decode.js'
import { fixCounts, inferOs } from './derive.js'
import {
  SEVERITIES,
  type BaseImage,
  type ImageDetails,
  type ParsedReport,
  type Recommendation,
  type RecommendationKind,
  type VulnerabilityCounts
} from '../types/report.js'
import { cells, isCheckMark, toLines } from './text.js'

/** Reports are a few kilobytes; anything this large is not one. */
export const MAX_REPORT_BYTES = 16 * 1024 * 1024

const REFRESH_TITLE = 'Refresh base image'
const CHANGE_TITLE = 'Change base image'
const BASE_LINE = 'Base image is'
const OLD_HEADER = 'Recommended fixes for image'
const TAGS_NOTE = 'supported tag(s)'
const TAGS_NOTE_END = 'If you want'
const FIELDS_HEADING = '## Recommended fixes'
/** Docker caps a repository name at 255 characters and a tag at 128: anything far longer is not an image. */
const MAX_REFERENCE = 512
const MAX_TAG = 256
const SEVERITY_LETTERS: Record<string, keyof VulnerabilityCounts> = {
  C: 'critical',
  H: 'high',
  M: 'medium',
  L: 'low',
  '?': 'unspecified'
}

/** A report file's bytes, parsed, with the code-page tables loaded first when the bytes may need them. */
export async function parseReportFile(bytes: Uint8Array): Promise<ParsedReport> {
  if (bytes.byteLength <= MAX_REPORT_BYTES && needsConsoleCodePages(bytes)) await loadConsoleCodePages()
  return parseReport(bytes)
}

/** Parses text, or bytes whose decoding needs no code-page table unless `loadConsoleCodePages` has run. */
export function parseReport(input: Uint8Array | string): ParsedReport {
  if (typeof input === 'string') return parseText(input)
  if (input.byteLength > MAX_REPORT_BYTES) {
    return rejected('undecodable', `file is ${input.byteLength} bytes, over the ${MAX_REPORT_BYTES}-byte limit for a report`)
  }
  const decoded = decodeReport(input)
  return 'error' in decoded ? rejected('undecodable', decoded.error) : parseText(decoded.text)
}

function rejected(status: ParsedReport['status'], reason: string): ParsedReport {
  return { status, reason, warnings: [], recommendations: [] }
}

function parseText(text: string): ParsedReport {
  if (!text.includes(BASE_LINE)) return notAReport(text)
  const lines = toLines(text)
  const baseLine = lines.findIndex((line) => line.includes(BASE_LINE) && line.trimStart().startsWith(BASE_LINE))
  if (baseLine < 0) return notAReport(text, lines)
  const reference = lines[baseLine].trimStart().slice(BASE_LINE.length).trim().split(/\s/, 1)[0] ?? ''
  if (reference.length > MAX_REFERENCE) {
    return rejected('undecodable', `the base image reference is ${reference.length} characters long: not an image name`)
  }
  const colon = reference.lastIndexOf(':')
  if (colon < 0) {
    return rejected('not-a-report', `the "${BASE_LINE}" line names no image:tag (${JSON.stringify(reference)})`)
  }

  const warnings: string[] = []
  const base = readBase(lines, baseLine, reference.slice(0, colon), reference.slice(colon + 1), reference)
  const refresh = readTable(lines, REFRESH_TITLE, 'refresh', warnings)
  const change = readTable(lines, CHANGE_TITLE, 'update', warnings)
  const target = readTarget(lines)
  const missing = incompleteness(refresh, change)
  if (missing !== undefined) return rejected('incomplete', `incomplete report: ${missing}`)
  const oversize = oversized(base, target, [...refresh.table.values(), ...change.table.values()])
  if (oversize !== undefined) return rejected('undecodable', oversize)
  const report: ParsedReport = {
    status: base.name === '' ? 'unidentified-base' : 'report',
    warnings,
    ...target,
    base,
    recommendations: mergeTables(refresh.table, change.table, base)
  }
  if (report.status === 'unidentified-base') {
    report.reason = `Scout could not identify the base image ("${BASE_LINE} ${reference}"); no recommendation is not an all-clear`
  }
  return report
}

function notAReport(text: string, lines?: string[]): ParsedReport {
  const noBase = text.indexOf('image has no base image')
  if (noBase >= 0) return rejected('no-base-image', lineAround(text, noBase))
  if (
    text.includes(FIELDS_HEADING) ||
    text.includes(OLD_HEADER) ||
    (text.includes('Target') && readTarget(lines ?? toLines(text)).target !== undefined)
  ) {
    return rejected('incomplete', `incomplete report: the report header is there but no "${BASE_LINE}" line (a capture cut short?)`)
  }
  const error = scoutError(text)
  if (error !== undefined) return rejected('scout-error', `Scout failed instead of writing a report: ${error}`)
  return rejected('not-a-report', `no "${BASE_LINE}" line: not a docker scout recommendations report`)
}

/**
 * Scout's own failure, when the text is that: a Go panic anywhere (its trace follows it), or an error line
 * as Scout, Cobra or logrus print it near the top (where `docker scout … > file 2>&1` puts it). Prose that
 * merely mentions an error further down stays a file that is not a report.
 */
function scoutError(text: string): string | undefined {
  const panic = /^panic: /m.exec(text)
  if (panic !== null) return lineAround(text, panic.index)
  const head = text.split('\n', 20).join('\n')
  const error = /^[ \t]*(?:ERROR\b|Error: |level=error\b|time="[^"]*" level=(?:error|fatal)\b)/m.exec(head)
  return error === null ? undefined : lineAround(head, error.index + error[0].length)
}

/** The line holding `index`, trimmed and cut to a readable length. */
function lineAround(text: string, index: number): string {
  const end = text.indexOf('\n', index)
  return text
    .slice(text.lastIndexOf('\n', index) + 1, end < 0 ? text.length : end)
    .trim()
    .slice(0, 300)
}

/** The `Target │ ref` / `digest │ short` pair, or the CLI 1.0 header `Recommended fixes for image  ref`. */
function readTarget(lines: string[]): Pick<ParsedReport, 'target' | 'digest'> {
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes('Target') && !lines[i].includes(OLD_HEADER)) continue
    const row = cells(lines[i])
    if (row.length >= 2 && row[0] === 'Target') {
      let next = i + 1
      while (next < lines.length && lines[next].trim() === '') next++
      const digestRow = next < lines.length ? cells(lines[next]) : []
      const digest = digestRow.length >= 2 && digestRow[0] === 'digest' ? digestRow[1] : undefined
      return digest ? { target: row[1], digest } : { target: row[1] }
    }
    const trimmed = lines[i].trim()
    if (trimmed.startsWith(OLD_HEADER)) return { target: trimmed.slice(OLD_HEADER.length).trim() }
  }
  return {}
}

/** Key/value rows from the `## Recommended fixes` heading (or the base line) to the first table title. */
function readFields(lines: string[], baseLine: number): Map<string, string> {
  const heading = lines.findIndex((line) => line.trim() === FIELDS_HEADING)
  const fields = new Map<string, string>()
  for (let i = heading >= 0 && heading < baseLine ? heading : baseLine; i < lines.length; i++) {
    const bar = lines[i].indexOf('│')
    if (bar < 0) {
      if (isTitle(lines[i])) break
      continue
    }
    const key = lines[i].slice(0, bar).trim()
    if (/^[A-Za-z]+$/.test(key)) fields.set(key, lines[i].slice(bar + 1).trim())
  }
  return fields
}

function readBase(lines: string[], baseLine: number, name: string, lineTag: string, reference: string): BaseImage {
  const fields = readFields(lines, baseLine)
  const field = (key: string): string | undefined => fields.get(key)
  const base: BaseImage = {
    reference,
    name,
    tag: field('Name') || lineTag,
    lineTag,
    supportedTags: readSupportedTags(lines)
  }
  const optional: Partial<BaseImage> = {
    digest: field('Digest') || undefined,
    vulnerabilities: parseCounts(field('Vulnerabilities') ?? ''),
    pushed: field('Pushed'),
    size: field('Size'),
    packages: field('Packages'),
    flavor: field('Flavor'),
    osVersion: field('OS'),
    runtime: field('Runtime'),
    slim: field('Slim')
  }
  return Object.assign(base, withoutUndefined(optional))
}

/**
 * The tags of the "also available under the supported tag(s) …" note. `--output` writes them in
 * backticks on one line; a terminal pads them with spaces instead and wraps the note, even inside a
 * tag (`18-` / `alpine3.18`) and sometimes without the `│` on the continuation lines.
 */
function readSupportedTags(lines: string[]): string[] {
  const start = lines.findIndex((line) => line.includes(TAGS_NOTE))
  if (start < 0) return []
  let note = ''
  for (let i = start; i < lines.length && i < start + 16 && lines[i].trim() !== ''; i++) {
    const part = lines[i].trim().replace(/^│/, '').trim()
    // A line end inside a backticked tag, or after a hyphen, split a tag: tags hold no spaces.
    const insideTag = countOf(note, '`') % 2 === 1
    note += note === '' || insideTag || note.endsWith('-') ? part : ` ${part}`
    if (part.includes(TAGS_NOTE_END)) break
  }
  const from = note.indexOf(TAGS_NOTE) + TAGS_NOTE.length
  const to = note.indexOf(TAGS_NOTE_END, from)
  const list = note
    .slice(from, to < 0 ? note.length : to)
    .trim()
    .replace(/\.$/, '')
  if (list.includes('`')) return list.split('`').filter((_, index) => index % 2 === 1)
  return list
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '')
}

function countOf(text: string, character: string): number {
  let count = 0
  for (let at = text.indexOf(character); at >= 0; at = text.indexOf(character, at + 1)) count++
  return count
}

/** `0C 6H 2M 1L 3?` → counts; undefined when the text holds none (an empty or missing row). */
export function parseCounts(value: string): VulnerabilityCounts | undefined {
  const counts: VulnerabilityCounts = { critical: 0, high: 0, medium: 0, low: 0, unspecified: 0 }
  let found = false
  for (let i = 0; i < value.length;) {
    if (!isDigit(value, i)) {
      i++
      continue
    }
    const start = i
    while (isDigit(value, i)) i++
    const severity = SEVERITY_LETTERS[value[i] ?? '']
    // More than nine digits is not a count; skip it rather than lose precision.
    if (severity !== undefined && i - start <= 9) {
      counts[severity] = Number(value.slice(start, i))
      found = true
    }
  }
  return found ? counts : undefined
}

function isDigit(text: string, index: number): boolean {
  const code = text.charCodeAt(index)
  return code >= 48 && code <= 57
}

interface Section {
  /** Its title was found. */
  present: boolean
  /** It says there is nothing to recommend (`✓ This image version is up to date.`). */
  allClear: boolean
  /** Its rows of four or more cells. */
  rows: string[][]
  /** Another section's title follows it: its last record cannot have been cut short. */
  closed: boolean
}

/** One titled section, from its title to the next title or the end of the text. */
function readSection(lines: string[], title: string): Section {
  const start = lines.findIndex((line) => line.includes(title) && line.trim().startsWith(title))
  const section: Section = { present: start >= 0, allClear: false, rows: [], closed: false }
  if (start < 0) return section
  for (let i = start + 1; i < lines.length; i++) {
    if (!lines[i].includes('│')) {
      if (isTitle(lines[i])) {
        section.closed = true
        break
      }
      if (section.rows.length === 0 && isAllClear(lines[i])) section.allClear = true
      continue
    }
    const row = cells(lines[i])
    if (row.length >= 4) section.rows.push(row)
  }
  return section
}

/** `✓ This image version is up to date.`, `✓ There are no tag recommendations at this time.` (`v` on Windows). */
function isAllClear(line: string): boolean {
  const text = line.trim()
  const space = text.indexOf(' ')
  return space > 0 && isCheckMark(text.slice(0, space)) && /^[A-Z].*\.$/.test(text.slice(space + 1).trim())
}

interface Table {
  section: Section
  table: Map<string, Recommendation>
  /** The tag of a last record that may have been cut short. */
  openRecord?: string
}

/**
 * One record spans many rows: it starts where the second cell is `Benefits:`. A repeated tag keeps
 * the later record in the earlier one's place (as Cartography's dict does).
 */
function readTable(lines: string[], title: string, kind: RecommendationKind, warnings: string[]): Table {
  const section = readSection(lines, title)
  const records: string[][][] = []
  for (const row of section.rows) {
    if (row[1] === 'Benefits:' && row[0] !== '' && !row[0].startsWith('• ')) records.push([row])
    else records.at(-1)?.push(row)
  }
  const table = new Map<string, Recommendation>()
  for (const rows of records) {
    const recommendation = readRecord(kind, rows, warnings)
    table.set(recommendation.tag, recommendation)
  }
  const last = records.at(-1)
  return { section, table, ...(last && !section.closed && !recordEnded(last) ? { openRecord: last[0][0] } : {}) }
}

/**
 * Whether a record at the end of the text is whole. Scout closes every record with two empty rows and
 * prints its `Image details:` bullets last but for aliases, so a record with a detail bullet or with
 * two empty rows at its end lost nothing a cut could take but trailing aliases.
 */
function recordEnded(rows: string[][]): boolean {
  const details = rows.findIndex((row) => row[1] === 'Image details:')
  if (details >= 0 && rows.slice(details + 1).some((row) => row[1].startsWith('• '))) return true
  const empty = (row: string[] | undefined): boolean => row !== undefined && row.every((cell) => cell === '')
  return rows.length > 2 && empty(rows.at(-1)) && empty(rows.at(-2))
}

/**
 * Why a report with a base image cannot be trusted as whole, or undefined. Scout always prints at
 * least one of the two sections (`--only-refresh`/`--only-update` print one), each ending in either
 * its all-clear line or a table of complete records.
 */
function incompleteness(refresh: Table, change: Table): string | undefined {
  if (!refresh.section.present && !change.section.present) {
    return `neither a "${REFRESH_TITLE}" nor a "${CHANGE_TITLE}" section (a capture cut short?)`
  }
  for (const [title, { section, table, openRecord }] of [
    [REFRESH_TITLE, refresh],
    [CHANGE_TITLE, change]
  ] as const) {
    if (!section.present) continue
    if (!section.allClear && table.size === 0) return `the "${title}" section has neither a recommendation nor its all-clear line`
    if (openRecord !== undefined) return `the "${title}" table ends inside the record for "${openRecord}"`
  }
  return undefined
}

/** A value far longer than any image reference or tag means the text is not a report Scout wrote. */
function oversized(base: BaseImage, target: Pick<ParsedReport, 'target'>, recommendations: Recommendation[]): string | undefined {
  if ((target.target?.length ?? 0) > MAX_REFERENCE) return `the Target is ${target.target?.length} characters long: not an image name`
  const tags = [
    ...base.supportedTags,
    base.tag,
    ...recommendations.flatMap((recommendation) => [recommendation.tag, ...recommendation.aliases])
  ]
  const long = tags.find((tag) => tag.length > MAX_TAG)
  return long === undefined ? undefined : `a tag is ${long.length} characters long: not an image tag`
}

function readRecord(kind: RecommendationKind, rows: string[][], warnings: string[]): Recommendation {
  const [first, second] = rows
  const recommendation: Recommendation = {
    kind,
    tag: first[0],
    vulnerabilities: parseCounts(first[3]) ?? { critical: 0, high: 0, medium: 0, low: 0, unspecified: 0 },
    aliases: [],
    benefits: []
  }
  if (first[2] !== '') recommendation.pushed = first[2]
  if (second && second[0] !== '' && second[0] !== 'Also known as:' && !second[0].startsWith('• ')) {
    recommendation.headline = second[0]
  }
  const details: ImageDetails = {}
  // A terminal redraw can print a row again; a real record never repeats one (a one-row record cannot).
  const seen = rows.length > 1 ? new Set<string>() : undefined
  let repeated = 0
  let inDetails = false
  for (const row of rows) {
    if (seen && row.some((cell) => cell !== '')) {
      const key = row.join('│')
      if (seen.has(key)) {
        repeated++
        continue
      }
      seen.add(key)
    }
    if (row[0].startsWith('• ')) recommendation.aliases.push(row[0].slice(2).trim())
    if (row[1] === 'Image details:') inDetails = true
    else if (row[1].startsWith('• ')) {
      const bullet = row[1].slice(2)
      if (!inDetails) recommendation.benefits.push(bullet)
      else if (bullet.includes(':')) setDetail(details, bullet)
    }
  }
  if (repeated > 0) {
    warnings.push(`dropped ${repeated} repeated row(s) in the ${kind} record for "${recommendation.tag}" (a terminal redraw)`)
  }
  return Object.assign(recommendation, details)
}

const DETAIL_KEYS: Record<string, keyof ImageDetails> = {
  size: 'size',
  flavor: 'flavor',
  os: 'osVersion',
  runtime: 'runtime',
  slim: 'slim'
}

function setDetail(details: ImageDetails, bullet: string): void {
  const colon = bullet.indexOf(':')
  const key = DETAIL_KEYS[bullet.slice(0, colon).trim().toLowerCase()]
  if (key !== undefined) details[key] = bullet.slice(colon + 1).trim()
}

/**
 * Refresh entries first, then Change entries. A tag in both keeps the entry Cartography would keep:
 * the one with more fields once empty ones are dropped (a tie keeps Refresh).
 */
function mergeTables(refresh: Map<string, Recommendation>, change: Map<string, Recommendation>, base: BaseImage): Recommendation[] {
  const merged = new Map(refresh)
  for (const [tag, recommendation] of change) {
    const kept = merged.get(tag)
    if (kept === undefined || fieldCount(recommendation, base) > fieldCount(kept, base)) merged.set(tag, recommendation)
  }
  return [...merged.values()]
}

/** The number of keys Cartography's recommendation dict keeps after dropping empty values. */
function fieldCount(recommendation: Recommendation, base: BaseImage): number {
  const always = 5 // name, tag, alternative_tags, benefits, is_slim
  const optional = [recommendation.size, recommendation.flavor, inferOs(recommendation.tag, recommendation.flavor), recommendation.runtime]
  const fixes = fixCounts(base.vulnerabilities, recommendation.vulnerabilities)
  const hasFix = SEVERITIES.some((severity) => fixes[severity] > 0)
  return always + optional.filter((value) => value !== undefined).length + (hasFix ? 1 : 0)
}

function isTitle(line: string): boolean {
  return (line.includes(REFRESH_TITLE) || line.includes(CHANGE_TITLE)) && /^\s*(?:Refresh|Change) base image/.test(line)
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
