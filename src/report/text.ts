/**
 * Turns report text, as Scout, terminals and workflow logs really produce it, into clean lines: no BOM, no
 * ANSI colour, no CR, no trailing padding, no runner timestamps or log markers, and DEC line drawing (`x`
 * `q` `n` `~`) mapped back to box drawing. Every step is a single linear pass.
 */

// CSI sequences only: the classes do not overlap, so the match is linear.
const ANSI_CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g
const DEC_RULE = /^[qn]+$/
const DEC_KEY_ROW = /^ *(?:Target|digest|Name|Digest|Vulnerabilities) +x(?: |$)/
/** A line of a workflow log as GitHub keeps it: the runner's timestamp, one space, the line. */
const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z(?: |$)/
/** The log's own lines around a step's output: `##[group]Run docker scout …`, `##[endgroup]`, `##[command]…`. */
const LOG_MARKER = /^##\[[a-z]+\]/

export function toLines(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const plain = body.includes('\x1b') ? body.replace(ANSI_CSI, '') : body
  const unified = plain.includes('\r') ? plain.replace(/\r\n?/g, '\n') : plain
  const lines = fromWorkflowLog(unified.split('\n').map((line) => line.trimEnd()))
  return usesDecLineDrawing(unified, lines) ? lines.map(fromDecLineDrawing) : lines
}

/** A report copied out of a workflow log, when its first line says it is one: the lines without timestamps and markers. */
function fromWorkflowLog(lines: string[]): string[] {
  const first = lines.find((line) => line !== '')
  if (first === undefined || !LOG_TIMESTAMP.test(first)) return lines
  return lines.map((line) => line.replace(LOG_TIMESTAMP, '')).filter((line) => !LOG_MARKER.test(line))
}

/** A terminal without the box-drawing glyphs prints `x` for │ and rules of `q`/`n`. */
function usesDecLineDrawing(text: string, lines: string[]): boolean {
  if (text.includes('│') || !(text.includes(' x') || text.includes('qqq'))) return false
  return lines.some((line) => DEC_RULE.test(line.trim()) || DEC_KEY_ROW.test(line))
}

function fromDecLineDrawing(line: string): string {
  if (DEC_RULE.test(line.trim())) return line.replaceAll('q', '─').replaceAll('n', '┼')
  let out = ''
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]
    const standsAlone = (i === 0 || line[i - 1] === ' ') && (i === line.length - 1 || line[i + 1] === ' ')
    out += standsAlone && ch === 'x' ? '│' : standsAlone && ch === '~' ? '•' : ch
  }
  return out
}

/** The cells of a table or key/value row, trimmed. */
export function cells(line: string): string[] {
  const parts = line.split('│')
  for (let i = 0; i < parts.length; i++) parts[i] = parts[i].trim()
  return parts
}

/** Scout's check mark; a Windows console prints `v`. */
export function isCheckMark(value: string | undefined): boolean {
  return value === '✓' || value === 'v'
}
