/**
 * The move policy: `moves`, and the policy file (`policy-file`, moves.md), read and checked against the
 * JSON Schema the project ships (`policy.schema.json`) before any work. A bad file is refused with its
 * path, the line and the key. The YAML parser and the validator load only when there is a file.
 */
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Document, LineCounter } from 'yaml'
import type { ErrorObject } from 'ajv'
import type { InputReader } from '../inputs.js'
import {
  COMPATIBLE_MOVES,
  MOVE_CLASSES,
  type Glob,
  type IgnoreEntry,
  type MoveClass,
  type MovePolicy,
  type MoveRule
} from '../types/moves.js'
import { InputError, splitList } from './values.js'
import { loadCommonJs } from '../util/load.js'

/** Where the policy file is looked for when `policy-file` is not given. */
export const DEFAULT_POLICY_FILE = '.github/scout-graph.yml'
/** A policy file is a page of YAML; anything larger is not one. */
const MAX_POLICY_BYTES = 256 * 1024

const NAMED_MOVES: Record<string, readonly MoveClass[]> = { compatible: COMPATIBLE_MOVES, any: MOVE_CLASSES, refresh: ['refresh'] }
const MOVES_EXPECTED = `compatible, any, refresh, or a comma list of those and of ${MOVE_CLASSES.join(', ')}`

/**
 * `compatible`, `any`, `refresh`, or a comma list (in the file, also a list) of those names and of the
 * classes an allowed move may have: `compatible,runtime-major` is compatible's classes and one more.
 */
export function parseMoves(name: string, value: string | readonly string[]): MoveClass[] {
  const words = typeof value === 'string' ? splitList(value, /,/) : value
  if (words.length === 0) throw new InputError(name, `expected ${MOVES_EXPECTED}`)
  const classes = words.flatMap((word) => {
    if (NAMED_MOVES[word]) return NAMED_MOVES[word]
    if ((MOVE_CLASSES as readonly string[]).includes(word)) return [word as MoveClass]
    throw new InputError(name, `unknown word ${JSON.stringify(word)} (expected ${MOVES_EXPECTED})`)
  })
  return MOVE_CLASSES.filter((move) => classes.includes(move))
}

/** The file's shape once the schema has passed it. */
interface PolicyFile {
  moves?: string | string[]
  rules?: { images?: string[]; bases?: string[]; moves: string | string[] }[]
  ignore?: { images?: string[]; bases?: string[]; tags?: string[]; reason: string; until: string }[]
}

export async function movePolicySettings(input: InputReader, workspace: string, today: string): Promise<MovePolicy> {
  const file = await policyFilePath(input('policy-file'), workspace)
  const read = file ? await readPolicyFile(file, workspace) : undefined
  // An input given explicitly wins over the file's `moves`; the file's rules still apply.
  const moves = input('moves')
    ? parseMoves('moves', input('moves'))
    : read?.policy.moves !== undefined
      ? parseMoves('policy-file', read.policy.moves)
      : [...COMPATIBLE_MOVES]
  const compile = read && (read.policy.rules?.length || read.policy.ignore?.length) ? await globCompiler() : undefined
  const globsOf = (lists: { images?: string[]; bases?: string[]; tags?: string[] }) =>
    Object.fromEntries(
      (['images', 'bases', 'tags'] as const).flatMap((key) => (lists[key] ? [[key, lists[key].map(compile as GlobCompiler)]] : []))
    )
  const place = (item: unknown[]) => ({ file: read?.shown ?? '', line: read?.lineOf(item) ?? 0 })
  const rules: MoveRule[] = (read?.policy.rules ?? []).map((rule, index) => ({
    ...globsOf(rule),
    moves: parseMoves('policy-file', rule.moves),
    place: place(['rules', index])
  }))
  const ignore: IgnoreEntry[] = (read?.policy.ignore ?? []).map((entry, index) => ({
    ...globsOf(entry),
    reason: entry.reason.trim(),
    until: entry.until,
    place: place(['ignore', index])
  }))
  return { moves, rules, ignore, today }
}

type GlobCompiler = (glob: string) => Glob

/** Globs as `minimatch` reads them (the matcher `@actions/glob` uses for file patterns). */
async function globCompiler(): Promise<GlobCompiler> {
  const { makeRe } = await loadCommonJs(() => import('minimatch'))
  return (glob) => ({ glob, pattern: makeRe(glob, { dot: true, nocomment: true, nonegate: true }) || /(?!)/ })
}

/** The file to read: the one named, none (`none`, or no file at the default place). */
async function policyFilePath(value: string, workspace: string): Promise<string | undefined> {
  if (value === 'none') return undefined
  const file = path.resolve(workspace, value || DEFAULT_POLICY_FILE)
  const found = await stat(file).catch(() => undefined)
  if (found?.isFile()) return file
  if (!value) return undefined
  throw new InputError('policy-file', `${JSON.stringify(value)} is not a file (give a YAML file, or none)`)
}

async function readPolicyFile(file: string, workspace: string) {
  const shown = path.relative(workspace, file).startsWith('..') ? file : path.relative(workspace, file)
  const refuse = (line: number, message: string): never => {
    throw new InputError('policy-file', `${shown}${line > 0 ? `:${line}` : ''}: ${message}`)
  }
  const found = await stat(file)
  if (found.size > MAX_POLICY_BYTES) refuse(0, `is over ${MAX_POLICY_BYTES / 1024} KiB: not a policy file`)
  const text = await readFile(file, 'utf8')
  const { parseDocument, LineCounter } = await loadCommonJs(() => import('yaml'))
  const counter = new LineCounter()
  const document = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false })
  const problem = document.errors[0]
  if (problem) refuse(counter.linePos(problem.pos[0]).line, `not YAML: ${problem.message.split('\n')[0]}`)
  // An empty file (or one of comments only) is the default policy.
  const value: unknown = document.contents === null ? {} : document.toJS({ maxAliasCount: 100 })
  const validate = await policyValidator()
  if (!validate(value)) {
    const error = mostTelling(validate.errors ?? [])
    const { at, key, message } = describeSchemaError(error)
    refuse(lineOf(document, counter, at, key), `${keyName(at, key)}: ${message}`)
  }
  const policy = value as PolicyFile
  for (const [index, entry] of (policy.ignore ?? []).entries()) {
    if (!isCalendarDate(entry.until)) refuse(lineOf(document, counter, ['ignore', index, 'until']), `ignore[${index}].until: no such day`)
  }
  return { policy, shown, lineOf: (at: unknown[]) => lineOf(document, counter, at) }
}

type Validate = ((value: unknown) => boolean) & { errors?: ErrorObject[] | null }
let compiled: Validate | undefined

/** The shipped schema, compiled once, with `format: date` as ISO's calendar dates. */
async function policyValidator(): Promise<Validate> {
  if (compiled) return compiled
  // ajv is CommonJS: its class is `module.exports` (the namespace's default, bundled or not), and that class's own `default`.
  const Ajv = (await import('ajv')).default.default
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false })
  ajv.addFormat('date', { type: 'string', validate: (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) })
  const { default: schema } = await import('../../policy.schema.json', { with: { type: 'json' } })
  compiled = ajv.compile(schema) as Validate
  return compiled
}

/** A date written `YYYY-MM-DD` that names a day that exists. */
function isCalendarDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`)
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value
}

/** Of the schema's complaints, the one a person would fix first: an unknown key, then a wrong type, then the rest. */
function mostTelling(errors: ErrorObject[]): ErrorObject {
  const rank = (error: ErrorObject) => {
    const at = ['additionalProperties', 'type', 'required'].indexOf(error.keyword)
    return at < 0 ? 3 : at
  }
  // A branch's own complaints (one per `oneOf`/`anyOf` choice) say less than the choice that failed.
  const telling = errors.filter((error) => !/\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath))
  return (telling.length > 0 ? telling : errors).reduce((best, error) => (rank(error) < rank(best) ? error : best))
}

/** The first schema error in words: where it is, the key, and what was expected there. */
function describeSchemaError(error: ErrorObject): { at: (string | number)[]; key?: string; message: string } {
  const at = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
  const last = at.at(-1)
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties: object }).properties).join(', ')
      return { at, key: String(params.additionalProperty), message: `unknown key (expected ${allowed})` }
    }
    case 'required':
      return { at, message: `missing ${String(params.missingProperty)}` }
    case 'anyOf': {
      const choices = (error.schema as { required: string[] }[]).map((choice) => choice.required[0])
      return { at, message: `name at least one of ${choices.join(', ')}` }
    }
    case 'type':
      return { at, message: `expected ${TYPE_WORDS[String(params.type)] ?? String(params.type)}` }
    case 'format':
      return { at, message: 'expected a date as YYYY-MM-DD' }
    case 'minItems':
      return { at, message: 'expected a list of at least one' }
    default:
      if (last === 'moves' || error.instancePath.includes('/moves')) return { at, message: `expected ${MOVES_EXPECTED}` }
      if (last === 'reason') return { at, message: 'expected a reason: one line of text, at most 500 characters' }
      return { at, message: error.message ?? 'not valid here' }
  }
}

const TYPE_WORDS: Record<string, string> = { object: 'a map of keys', array: 'a list', string: 'text' }

/** `rules[0].moves`; the document itself is `(file)`. */
function keyName(at: (string | number)[], key?: string): string {
  const parts = key === undefined ? at : [...at, key]
  const name = parts.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')
  return name.replace(/^\./, '') || '(file)'
}

/** The line a path (and, given, a key of the map there) is written on. */
function lineOf(document: Document, counter: LineCounter, at: unknown[], key?: string): number {
  const node = at.length === 0 ? document.contents : document.getIn(at, true)
  let range = (node as { range?: [number, number, number] } | null)?.range
  if (key !== undefined && node && typeof node === 'object' && 'items' in node) {
    const pair = (node.items as { key?: { value?: unknown; range?: [number, number, number] } }[]).find((item) => item.key?.value === key)
    range = pair?.key?.range ?? range
  }
  return range ? counter.linePos(range[0]).line : 0
}
