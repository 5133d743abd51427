/**
 * The one place that turns raw inputs (action inputs or CLI flags, same names) into typed, validated
 * settings; each concern's rules live beside this file. Every other module takes its slice of
 * `Settings` (src/types/settings.ts); nothing else reads inputs. Anything invalid stops the run here,
 * before any work, with a one-line message naming the input.
 */
import path from 'node:path'
import { INPUTS, type InputName, type InputReader, type RawInputs } from '../inputs.js'
import { registerSecret } from '../messages.js'
import { KEPT_SCOUT_CACHE, type Settings } from '../types/settings.js'
import { imageSettings } from './images.js'
import { neo4jSettings } from './neo4j.js'
import { movePolicySettings } from './policy.js'
import { publishingSettings } from './publishing.js'
import { githubContext, parseOutputDir, parseUpdateTag } from './runner.js'
import { s3Settings } from './s3.js'
import { actionsCacheSettings, scanSettings } from './scan.js'
import { reportSources, type MatchFiles } from './sources.js'
import { InputError, parseChoice } from './values.js'

export { InputError } from './values.js'

export interface SettingsContext {
  env: NodeJS.ProcessEnv
  /** Expands `reports` and `legs` patterns to files (`@actions/glob`, directories recursive). */
  matchReports: MatchFiles
  now(): number
}

export async function buildSettings(raw: RawInputs, context: SettingsContext): Promise<Settings> {
  // Before anything can echo them: every later message is redacted against these.
  for (const spec of INPUTS) {
    const value = raw[spec.name]
    if (spec.kind === 'secret' && value) registerSecret(value)
  }
  // The runner injects action.yml defaults; a test harness or the CLI may not.
  const input: InputReader = (name) => raw[name]?.trim() || staticDefault(name)
  const outputDir = await parseOutputDir(
    input('output-dir') || (context.env.RUNNER_TEMP ? path.join(context.env.RUNNER_TEMP, 'scout-graph') : 'scout-graph')
  )
  const { images, requested, shard } = await imageSettings(input)
  const updateTag = input('update-tag') === '' ? Math.floor(context.now() / 1000) : parseUpdateTag(input('update-tag'))
  const { reportFiles, reportFolders, legs } = await reportSources(raw.reports ?? '', raw.legs ?? '', context.matchReports, updateTag)
  if (requested === 0 && reportFiles.length === 0 && legs === undefined) {
    throw new InputError('images', 'nothing to do: give images, images-file, reports or legs')
  }
  const scan = scanSettings(input, context.env)
  const neo4j = neo4jSettings(input)
  const s3 = s3Settings(input, context.env)
  const workspace = path.resolve(context.env.GITHUB_WORKSPACE || '.')
  const github = await githubContext(context.env)
  const actionsCache = actionsCacheSettings(input, context.env, github, shard)
  if (actionsCache) Object.assign(scan, { actionsCache, cacheDir: path.join(workspace, KEPT_SCOUT_CACHE) })
  const today = new Date(context.now()).toISOString().slice(0, 10)
  return {
    images,
    ...(shard ? { shard } : {}),
    reportFiles,
    reportFolders,
    ...(legs ? { legs } : {}),
    outputDir,
    graphFile: path.resolve(input('graph-file') || path.join(outputDir, 'graph.json')),
    graphMode: parseChoice('graph-mode', input('graph-mode'), ['cartography', 'extended']),
    updateTag,
    ...(neo4j ? { neo4j } : {}),
    ...(s3 ? { s3 } : {}),
    scan,
    ...(input('github-token') ? { githubToken: input('github-token') } : {}),
    github,
    movePolicy: await movePolicySettings(input, workspace, today),
    hubRegistry: parseHubRegistry(context.env.SCOUT_GRAPH_HUB_REGISTRY || 'registry-1.docker.io'),
    ...publishingSettings(input, outputDir, workspace)
  }
}

/** `SCOUT_GRAPH_HUB_REGISTRY`: a host (and port) that serves Docker Hub's images, such as a pull-through cache. */
function parseHubRegistry(value: string): string {
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(value))
    throw new InputError('SCOUT_GRAPH_HUB_REGISTRY', `expected host[:port], got ${JSON.stringify(value.slice(0, 80))}`)
  return value
}

/** The default action.yml declares, unless it is an expression only the runner can evaluate. */
function staticDefault(name: InputName): string {
  const value = INPUTS.find((spec) => spec.name === name)?.default ?? ''
  return value.startsWith('${{') ? '' : value
}
