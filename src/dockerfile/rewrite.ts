/**
 * Moving `FROM` lines to another tag of their base, editing only the reference's own characters: flags,
 * `AS name`, comments, line endings, a byte-order mark and continuations stay byte for byte. A reference
 * taken from an `ARG` default is moved by editing that default; one built from a variable with no
 * default, from several variables, split over lines or pinned by digest is left alone, and the reason said.
 */
import { DockerfileParser, type Dockerfile as ParsedDockerfile } from 'dockerfile-ast'

/** One `FROM` line that could not be moved, and why. */
export interface SkippedFrom {
  line: number
  reason: string
}

export type Rewrite = { text: string; lines: number[] } | { skipped: SkippedFrom }

interface Span {
  start: number
  end: number
}

interface Edit extends Span {
  replacement: string
  /** The 1-based line the edit is on. */
  line: number
}

const VARIABLE = /\$(?:\{([A-Za-z_]\w*)(?::?-([^}]*))?\}|([A-Za-z_]\w*))/g

/**
 * `node:22-alpine` with `23-alpine` is `node:23-alpine`, the name as written. A pinned reference moves only
 * with its new digest (`node:23-alpine@sha256:…`); without one it cannot be moved.
 */
function retag(reference: string, tag: string, digest?: string): string | undefined {
  const at = reference.indexOf('@')
  if (at >= 0 && digest === undefined) return undefined
  const unpinned = at >= 0 ? reference.slice(0, at) : reference
  const colon = unpinned.lastIndexOf(':')
  const name = colon > unpinned.lastIndexOf('/') ? unpinned.slice(0, colon) : unpinned
  return `${name}:${tag}${at >= 0 ? `@${digest}` : ''}`
}

function offsets(text: string): (position: { line: number; character: number }) => number {
  const starts = [0]
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1)
  return ({ line, character }) => starts[line] + character
}

const unquoted = (text: string, span: Span): Span =>
  span.end - span.start >= 2 && /^(["']).*\1$/s.test(text.slice(span.start, span.end)) ? { start: span.start + 1, end: span.end - 1 } : span

/**
 * The file with the `FROM`s on `lines` (each the 1-based line of its keyword) moved to `tag`, all of them
 * or none: the first one that cannot be moved is returned instead. `pins` holds the new digest of each
 * pinned line, from the registry.
 */
export function rewriteFroms(text: string, lines: readonly number[], tag: string, pins: ReadonlyMap<number, string> = new Map()): Rewrite {
  const parsed = DockerfileParser.parse(text)
  const offset = offsets(text)
  const froms = parsed.getFROMs()
  const edits = new Map<string, Edit>()
  for (const line of lines) {
    const from = froms.find((candidate) => candidate.getRange().start.line + 1 === line)
    const argument = from?.getArguments()[0]
    if (from === undefined || argument === undefined) return { skipped: { line, reason: 'no FROM instruction on this line any more' } }
    const range = argument.getRange()
    if (range.start.line !== range.end.line) return { skipped: { line, reason: 'the reference is split over lines' } }
    const span = unquoted(text, { start: offset(range.start), end: offset(range.end) })
    const edit = editFor(text, parsed, offset, span, line, tag, lines, pins.get(line))
    if ('reason' in edit) return { skipped: edit }
    edits.set(`${edit.start}:${edit.end}`, edit)
  }
  let result = text
  for (const edit of [...edits.values()].sort((a, b) => b.start - a.start))
    result = result.slice(0, edit.start) + edit.replacement + result.slice(edit.end)
  return { text: result, lines: [...new Set([...edits.values()].map((edit) => edit.line))].sort((a, b) => a - b) }
}

function editFor(
  text: string,
  parsed: ParsedDockerfile,
  offset: ReturnType<typeof offsets>,
  span: Span,
  line: number,
  tag: string,
  moving: readonly number[],
  digest: string | undefined
): Edit | SkippedFrom {
  const written = text.slice(span.start, span.end)
  const variables = [...written.matchAll(VARIABLE)]
  const pinned = { line, reason: 'pinned by digest: not proposed until its new digest is known' }
  if (variables.length === 0) {
    const replacement = retag(written, tag, digest)
    return replacement === undefined ? pinned : { ...span, replacement, line }
  }
  if (variables.length > 1) return { line, reason: `built from ${variables.length} variables: left alone` }
  const [match] = variables
  const name = match[1] ?? match[3]
  const prefix = written.slice(0, match.index)
  const suffix = written.slice((match.index ?? 0) + match[0].length)
  // The value comes from the last global ARG of that name with a default, else the `${NAME:-word}` word.
  const declared = parsed
    .getInitialARGs()
    .map((arg) => arg.getProperty())
    .filter((property) => property?.getName() === name && property.getValueRange() !== null)
    .at(-1)
  let source: Span & { line: number }
  if (declared) {
    const range = declared.getValueRange() as NonNullable<ReturnType<typeof declared.getValueRange>>
    source = { ...unquoted(text, { start: offset(range.start), end: offset(range.end) }), line: range.start.line + 1 }
    const users = parsed
      .getFROMs()
      .filter((from) => new RegExp(`\\$\\{?${name}\\b`).test(from.getArguments()[0]?.getValue() ?? ''))
      .map((from) => from.getRange().start.line + 1)
    const other = users.find((user) => !moving.includes(user))
    if (other !== undefined)
      return { line, reason: `the ARG ${name} on line ${source.line} also sets the FROM on line ${other}: left alone` }
  } else if (match[2] !== undefined) {
    const start = span.start + (match.index ?? 0) + match[0].indexOf('-') + 1
    source = { start, end: start + match[2].length, line }
  } else {
    return { line, reason: `built from \${${name}}, which has no default: left alone` }
  }
  const value = text.slice(source.start, source.end)
  const moved = retag(`${prefix}${value}${suffix}`, tag)
  if (moved === undefined) return pinned
  if (!moved.startsWith(prefix) || !moved.endsWith(suffix) || moved.length < prefix.length + suffix.length)
    return { line, reason: `the new tag does not fit the variable ${name}: left alone` }
  return { start: source.start, end: source.end, replacement: moved.slice(prefix.length, moved.length - suffix.length), line: source.line }
}
