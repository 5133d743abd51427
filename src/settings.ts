/**
 * The one place that turns raw inputs (action inputs or CLI flags, same names) into typed, validated
 * settings. Every other module takes `Settings`; nothing else reads inputs. Anything invalid stops
 * the run here, before any work, with a one-line message naming the input.
 */
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { GraphMode } from './graph/schema.js'
import { INPUTS, type RawInputs } from './inputs.js'
import { errorLine, redact, registerSecret } from './messages.js'
import { readLegs, type LegsPlan } from './matrix.js'
import { DEFAULT_SCOUT_VERSION, SCOUT_RELEASES, type ScoutSource } from './scan/provision.js'
import type { Neo4jSettings } from './sinks/neo4j.js'
import type { S3Settings } from './sinks/s3.js'

export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(redact(`${input}: ${message}`))
    this.name = 'InputError'
  }
}

export const FAIL_RULES = ['error', 'outdated', 'fixable-critical', 'fixable-high', 'fixable-medium', 'fixable-low'] as const
export type FailRule = (typeof FAIL_RULES)[number]
export type CommentMode = 'auto' | 'always' | 'never'

export interface GithubContext {
  apiUrl: string
  serverUrl: string
  /** `owner/name`, when on a runner. */
  repository?: string
  runId?: string
  runAttempt?: string
  workflow?: string
  job?: string
  /** The pull request this run belongs to, if any. */
  pullRequest?: number
  /** Whether the runner's artifact service can be reached (it cannot off GitHub). */
  artifactService: boolean
}

export interface ScanSettings {
  platform?: string
  tag?: string
  org?: string
  onlyRefresh: boolean
  onlyUpdate: boolean
  concurrency: number
  timeoutSeconds: number
  retries: number
  /** Where the Scout CLI comes from when `docker scout` is missing. */
  scout: ScoutSource
  /** Given to the scout process through its environment only. */
  credentials: Record<string, string>
}

export interface Settings {
  /** The references this job scans: de-duplicated, in the order given, after sharding. */
  images: string[]
  shard?: { index: number; count: number }
  /** Existing report files to ingest: matched from the `reports` patterns, and the reports of the `legs`. */
  reportFiles: string[]
  /** In the last job of a matrix: what the legs' manifests say. */
  legs?: LegsPlan
  outputDir: string
  graphFile: string
  graphMode: GraphMode
  updateTag: number
  /** Set when `neo4j-uri` is: where the graph is pushed. */
  neo4j?: Neo4jSettings
  /** Set when `s3-uri` is: where the reports are left for Cartography. */
  s3?: S3Settings
  scan: ScanSettings
  summary: boolean
  comment: CommentMode
  githubToken?: string
  /** The run this step belongs to, from the runner's environment (empty off GitHub). */
  github: GithubContext
  uploadArtifact: boolean
  artifactName?: string
  artifactRetentionDays?: number
  failOn: FailRule[]
  /** Image reference → its Dockerfile, for annotations on the FROM line. */
  dockerfiles: Map<string, string>
}

const IMAGE_SCHEMES = ['registry', 'local', 'image', 'oci-dir', 'archive', 'fs']
const NEO4J_SCHEMES = ['bolt', 'bolt+s', 'bolt+ssc', 'neo4j', 'neo4j+s', 'neo4j+ssc']
/** How long a push keeps retrying transient Neo4j errors before it gives up. */
const NEO4J_RETRY_SECONDS = 60

export interface SettingsContext {
  env: NodeJS.ProcessEnv
  /** Expands `reports` patterns to files (`@actions/glob`, directories recursive). */
  matchReports(patterns: string[]): Promise<string[]>
  now(): number
}

export async function buildSettings(raw: RawInputs, context: SettingsContext): Promise<Settings> {
  // Before anything can echo them: every later message is redacted against these.
  for (const spec of INPUTS) if (spec.kind === 'secret' && raw[spec.name]) registerSecret(raw[spec.name])
  // The runner injects action.yml defaults; a test harness or the CLI may not.
  const input = (name: string): string => raw[name]?.trim() || staticDefault(name)
  const outputDir = await parseOutputDir(
    input('output-dir') || (context.env.RUNNER_TEMP ? path.join(context.env.RUNNER_TEMP, 'scout-graph') : 'scout-graph')
  )
  const shard = input('shard') === '' ? undefined : parseShard(input('shard'))
  const requested = await readImages(input('images'), input('images-file'))
  const images = applyShard(requested, shard)
  const reportPatterns = splitList(raw.reports ?? '', /\n/)
  const matchedReports = reportPatterns.length > 0 ? await context.matchReports(reportPatterns) : []
  if (reportPatterns.length > 0 && matchedReports.length === 0) {
    throw new InputError('reports', `no file matches ${reportPatterns.map((p) => JSON.stringify(p)).join(', ')}`)
  }
  const updateTag = input('update-tag') === '' ? Math.floor(context.now() / 1000) : parseUpdateTag(input('update-tag'))
  const legPatterns = splitList(raw.legs ?? '', /\n/)
  let legs: LegsPlan | undefined
  if (legPatterns.length > 0) {
    const manifests = await context.matchReports(legPatterns)
    // A wrong download path in the last job must not pass green with nothing read.
    if (manifests.length === 0) throw new InputError('legs', `no file matches ${legPatterns.map((p) => JSON.stringify(p)).join(', ')}`)
    try {
      legs = await readLegs(manifests, updateTag)
    } catch (error) {
      throw new InputError('legs', errorLine(error))
    }
  }
  // A report inside a leg's folder is read through `legs` only (newest attempt), never twice.
  const ownReports = legs ? matchedReports.filter((file) => !legs.folders.some((folder) => isInside(file, folder))) : matchedReports
  if (legs && ownReports.length < matchedReports.length) {
    legs.taken.push(
      `${matchedReports.length - ownReports.length} file(s) matched by reports are in the legs' folders: read through legs only`
    )
  }
  const reportFiles = [...new Set([...ownReports, ...(legs?.reportFiles ?? [])].map((file) => path.resolve(file)))]
  if (requested.length === 0 && reportFiles.length === 0 && legs === undefined) {
    throw new InputError('images', 'nothing to do: give images, images-file, reports or legs')
  }

  const scan: ScanSettings = {
    onlyRefresh: parseBoolean('only-refresh', input('only-refresh')),
    onlyUpdate: parseBoolean('only-update', input('only-update')),
    concurrency: parseInteger('concurrency', input('concurrency'), 1, 64),
    timeoutSeconds: parseInteger('timeout-seconds', input('timeout-seconds'), 1, 24 * 3600),
    retries: parseInteger('retries', input('retries'), 0, 10),
    credentials: credentialEnvironment(input),
    scout: {
      version: input('scout-version') === '' ? DEFAULT_SCOUT_VERSION : parseVersion('scout-version', input('scout-version')),
      releasesUrl: parseReleasesUrl(context.env.SCOUT_GRAPH_RELEASES_URL || SCOUT_RELEASES),
      ...(input('github-token') ? { githubToken: input('github-token') } : {})
    }
  }
  for (const [name, key] of [
    ['platform', 'platform'],
    ['tag', 'tag'],
    ['org', 'org']
  ] as const) {
    if (input(name) !== '') scan[key] = safeArgument(name, input(name))
  }

  const neo4j = neo4jSettings(input)
  const s3 = s3Settings(input, context.env)
  return {
    images,
    ...(shard ? { shard } : {}),
    reportFiles,
    ...(legs ? { legs } : {}),
    outputDir,
    graphFile: path.resolve(input('graph-file') || path.join(outputDir, 'graph.json')),
    graphMode: parseChoice('graph-mode', input('graph-mode'), ['cartography', 'extended']),
    updateTag,
    ...(neo4j ? { neo4j } : {}),
    ...(s3 ? { s3 } : {}),
    scan,
    summary: parseBoolean('summary', input('summary')),
    comment: parseChoice('comment', input('comment'), ['auto', 'always', 'never']),
    ...(input('github-token') ? { githubToken: input('github-token') } : {}),
    github: await githubContext(context.env),
    uploadArtifact: parseBoolean('upload-artifact', input('upload-artifact')),
    ...(input('artifact-name') ? { artifactName: parseArtifactName(input('artifact-name')) } : {}),
    ...(input('artifact-retention-days')
      ? { artifactRetentionDays: parseInteger('artifact-retention-days', input('artifact-retention-days'), 1, 90) }
      : {}),
    failOn: parseFailOn(input('fail-on')),
    dockerfiles: parseDockerfiles(raw.dockerfiles ?? '')
  }
}

function neo4jSettings(input: (name: string) => string): Neo4jSettings | undefined {
  const cleanup = parseBoolean('cleanup', input('cleanup'))
  const uri = input('neo4j-uri')
  if (uri === '') {
    if (cleanup) throw new InputError('cleanup', 'needs neo4j-uri (cleanup deletes stale nodes from that Neo4j)')
    return undefined
  }
  return {
    uri: parseNeo4jUri(uri),
    user: input('neo4j-user'),
    password: input('neo4j-password'),
    ...(input('neo4j-database') ? { database: safeArgument('neo4j-database', input('neo4j-database')) } : {}),
    cleanup,
    retrySeconds: NEO4J_RETRY_SECONDS
  }
}

function s3Settings(input: (name: string) => string, env: NodeJS.ProcessEnv): S3Settings | undefined {
  const prune = parseBoolean('s3-prune', input('s3-prune'))
  const uri = input('s3-uri')
  if (uri === '') {
    if (prune) throw new InputError('s3-prune', 'needs s3-uri (it prunes that prefix)')
    return undefined
  }
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(uri)
  if (!match) throw new InputError('s3-uri', `expected s3://bucket/prefix/, got ${shownUri(uri)}`)
  if (match[1].includes('@'))
    throw new InputError('s3-uri', "must not contain credentials (user:key@): they come from the AWS SDK's default chain")
  const [, bucket, rawPrefix] = match
  if (!validBucket(bucket)) {
    throw new InputError(
      's3-uri',
      `${JSON.stringify(bucket)} is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)`
    )
  }
  if (/[\p{Cc}]/u.test(rawPrefix)) throw new InputError('s3-uri', 'the prefix contains control characters')
  // Cartography matches keys by plain prefix: without the slash, `reports` would also take `reports-old/`.
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`
  if (prune && prefix === '') throw new InputError('s3-prune', 'refuses to prune a whole bucket: give s3-uri a prefix')
  return { bucket, prefix, prune, forcePathStyle: parseBoolean('AWS_S3_FORCE_PATH_STYLE', env.AWS_S3_FORCE_PATH_STYLE || 'false') }
}

function validBucket(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias')
  )
}

/** An existing directory, or a path where one can be made; never a file. */
async function parseOutputDir(value: string): Promise<string> {
  const resolved = path.resolve(value)
  const existing = await stat(resolved).catch(() => undefined)
  if (existing && !existing.isDirectory()) throw new InputError('output-dir', `${JSON.stringify(value)} exists and is not a directory`)
  return resolved
}

function isInside(file: string, folder: string): boolean {
  const relative = path.relative(path.resolve(folder), path.resolve(file))
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

/** A URI as error messages may show it: never its user information, even when it does not parse. */
function shownUri(value: string): string {
  if (!value.includes('@')) return JSON.stringify(value.slice(0, 200))
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:)/.exec(value)?.[1] ?? ''
  return `${JSON.stringify(`${scheme}…`)} (the rest is hidden: it holds an "@", so maybe a password)`
}

/** A Bolt URI without user information: the password has an input of its own and must never sit in a URI that logs echo. */
function parseNeo4jUri(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError('neo4j-uri', `expected a URI like bolt://host:7687 or neo4j+s://host, got ${shownUri(value)}`)
  }
  const scheme = url.protocol.slice(0, -1)
  if (url.username !== '' || url.password !== '') {
    throw new InputError('neo4j-uri', 'must not contain a user name or password (user:password@); use neo4j-user and neo4j-password')
  }
  if (!NEO4J_SCHEMES.includes(scheme) || url.hostname === '') {
    throw new InputError('neo4j-uri', `expected ${NEO4J_SCHEMES.map((s) => `${s}://`).join(', ')} and a host, got ${shownUri(value)}`)
  }
  return value
}

/** What the runner says about the run: `GITHUB_*` variables and the event payload. */
async function githubContext(env: NodeJS.ProcessEnv): Promise<GithubContext> {
  let pullRequest: number | undefined
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: unknown } }
      if (typeof event.pull_request?.number === 'number') pullRequest = event.pull_request.number
    } catch {
      // No readable event: no pull request to comment on.
    }
  }
  const optional = {
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    workflow: env.GITHUB_WORKFLOW,
    job: env.GITHUB_JOB
  }
  return {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    artifactService: Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value)),
    ...(pullRequest !== undefined ? { pullRequest } : {})
  }
}

/** `images` (newline- or comma-separated) and `images-file` (one per line, `#` comments), de-duplicated. */
async function readImages(images: string, imagesFile: string): Promise<string[]> {
  const references = splitList(images, /[\n,]/).map((reference) => validateImage('images', reference))
  if (imagesFile !== '') {
    let text: string
    try {
      text = await readFile(imagesFile, 'utf8')
    } catch (error) {
      throw new InputError('images-file', `cannot read ${imagesFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
    const lines = text.split(/\r?\n/).map((line) => line.replace(/#.*$/, ''))
    references.push(...splitList(lines.join('\n'), /\n/).map((reference) => validateImage('images-file', reference)))
  }
  return [...new Set(references)]
}

function splitList(value: string, separator: RegExp): string[] {
  return value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** An image reference reaches `docker` as one argument after `--`; still, refuse anything odd early. */
export function validateImage(input: string, reference: string): string {
  const shown = JSON.stringify(reference)
  if (/[\s\p{Cc}]/u.test(reference)) throw new InputError(input, `image reference ${shown} contains whitespace or control characters`)
  if (reference.startsWith('-')) throw new InputError(input, `image reference ${shown} starts with "-" (it would be read as a flag)`)
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(reference)?.[1]
  if (scheme !== undefined && !IMAGE_SCHEMES.includes(scheme)) {
    throw new InputError(
      input,
      `image reference ${shown} has an unknown prefix "${scheme}://" (expected one of ${IMAGE_SCHEMES.map((s) => `${s}://`).join(', ')})`
    )
  }
  if (scheme !== undefined && /^\/*$/.test(reference.slice(scheme.length + 3))) {
    throw new InputError(input, `image reference ${shown} names nothing after "${scheme}://"`)
  }
  if (reference === '' || reference.endsWith(':') || reference.endsWith('@')) {
    throw new InputError(input, `image reference ${shown} is incomplete`)
  }
  if (reference.length > 1024) throw new InputError(input, `image reference ${shown.slice(0, 60)}… is longer than 1024 characters`)
  return reference
}

/** Values passed as `--flag value` must not themselves look like flags. */
function safeArgument(input: string, value: string): string {
  if (value.startsWith('-') || /[\p{Cc}]/u.test(value)) {
    throw new InputError(input, `${JSON.stringify(value)} is not a valid value (no leading "-" or control characters)`)
  }
  return value
}

/** GitHub refuses these characters in artifact names. */
function parseArtifactName(value: string): string {
  if (/["<>|*?:\\/\p{Cc}]/u.test(value) || value.length > 200) {
    throw new InputError(
      'artifact-name',
      `${JSON.stringify(value)} is not a valid artifact name (no " : < > | * ? \\ / or control characters)`
    )
  }
  return value
}

/** `IMAGE=PATH` lines; the path is the workspace-relative one GitHub annotates. */
function parseDockerfiles(value: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of splitList(value, /\n/)) {
    const at = line.indexOf('=')
    if (at <= 0 || at === line.length - 1) throw new InputError('dockerfiles', `expected IMAGE=PATH, got ${JSON.stringify(line)}`)
    map.set(validateImage('dockerfiles', line.slice(0, at).trim()), line.slice(at + 1).trim())
  }
  return map
}

function parseVersion(input: string, value: string): string {
  const version = value.replace(/^v/, '')
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new InputError(input, `expected a release like 1.23.0, got ${JSON.stringify(value)}`)
  return version
}

/** `SCOUT_GRAPH_RELEASES_URL`: a mirror of the Scout CLI's GitHub releases, for runners that cannot reach GitHub. */
function parseReleasesUrl(value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) {
    throw new InputError('SCOUT_GRAPH_RELEASES_URL', `expected an http(s) URL, got ${shownUri(value)}`)
  }
  return value
}

function parseShard(value: string): { index: number; count: number } {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(value)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || index < 1 || count < 1 || index > count) {
    throw new InputError('shard', `expected K/N with 1 <= K <= N (like 2/8), got ${JSON.stringify(value)}`)
  }
  return { index, count }
}

/**
 * Each reference goes to the shard its hash picks: the slices are disjoint, cover the list, and a
 * reference stays in its shard however the list is reordered or grows.
 */
export function shardOf(reference: string, count: number): number {
  return (createHash('sha256').update(reference).digest().readUInt32BE(0) % count) + 1
}

function applyShard(images: string[], shard: { index: number; count: number } | undefined): string[] {
  return shard ? images.filter((reference) => shardOf(reference, shard.count) === shard.index) : images
}

export function parseBoolean(input: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, `expected true or false, got ${JSON.stringify(value)}`)
}

function parseInteger(input: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(input, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return Number(value)
}

/** The default action.yml declares, unless it is an expression only the runner can evaluate. */
function staticDefault(name: string): string {
  const value = INPUTS.find((spec) => spec.name === name)?.default ?? ''
  return value.startsWith('${{') ? '' : value
}

function parseUpdateTag(value: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new InputError('update-tag', `expected a non-negative whole number (epoch seconds), got ${JSON.stringify(value)}`)
  return Number(value)
}

function parseChoice<T extends string>(input: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new InputError(input, `expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value as T
}

function parseFailOn(value: string): FailRule[] {
  const words = splitList(value, /,/)
  if (words.length === 1 && words[0] === 'none') return []
  for (const word of words) {
    if (!(FAIL_RULES as readonly string[]).includes(word)) {
      throw new InputError(
        'fail-on',
        `unknown word ${JSON.stringify(word)} (expected a comma list of ${FAIL_RULES.join(', ')}, or none alone)`
      )
    }
  }
  if (words.length === 0) throw new InputError('fail-on', 'expected at least one rule, or none')
  return [...new Set(words)] as FailRule[]
}

/** Scout reads its credentials from these variables; they never appear in its arguments. */
function credentialEnvironment(input: (name: string) => string): Record<string, string> {
  const pairs = {
    DOCKER_SCOUT_HUB_USER: input('dockerhub-user'),
    DOCKER_SCOUT_HUB_PASSWORD: input('dockerhub-password'),
    DOCKER_SCOUT_REGISTRY_USER: input('registry-user'),
    DOCKER_SCOUT_REGISTRY_PASSWORD: input('registry-password')
  }
  return Object.fromEntries(Object.entries(pairs).filter(([, value]) => value !== ''))
}
