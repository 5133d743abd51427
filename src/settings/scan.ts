/** How Scout runs: its flags, limits, credentials and where the CLI comes from. */
import { createHash } from 'node:crypto'
import type { ActionsCacheSettings, GithubContext, ScanSettings, Shard } from '../types/settings.js'
import { InputError, parseBoolean, parseInteger, parseVersion, safeArgument, shownUri } from './values.js'
import type { InputReader } from '../inputs.js'

/** Installed when `docker scout` is missing and `scout-version` is not given. */
const DEFAULT_SCOUT_VERSION = '1.23.0'
const SCOUT_RELEASES = 'https://github.com/docker/scout-cli/releases/download'

export function scanSettings(input: InputReader, env: NodeJS.ProcessEnv): ScanSettings {
  const scan: ScanSettings = {
    onlyRefresh: parseBoolean('only-refresh', input('only-refresh')),
    onlyUpdate: parseBoolean('only-update', input('only-update')),
    concurrency: parseInteger('concurrency', input('concurrency'), 1, 64),
    timeoutSeconds: parseInteger('timeout-seconds', input('timeout-seconds'), 1, 24 * 3600),
    retries: parseInteger('retries', input('retries'), 0, 10),
    credentials: credentialEnvironment(input),
    cacheLimits: {
      maxAgeDays: parseInteger('cache-max-age-days', input('cache-max-age-days'), 1, 365),
      maxMb: parseInteger('cache-max-mb', input('cache-max-mb'), 1, 100_000)
    },
    scout: {
      version: input('scout-version') === '' ? DEFAULT_SCOUT_VERSION : parseVersion('scout-version', input('scout-version')),
      releasesUrl: parseReleasesUrl(env.SCOUT_GRAPH_RELEASES_URL || SCOUT_RELEASES),
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
  return scan
}

/** `SCOUT_GRAPH_RELEASES_URL`: a mirror of the Scout CLI's GitHub releases, for runners that cannot reach GitHub. */
function parseReleasesUrl(value: string): string {
  if (!/^https?:\/\/[^\s]+$/.test(value)) {
    throw new InputError('SCOUT_GRAPH_RELEASES_URL', `expected an http(s) URL, got ${shownUri(value)}`)
  }
  return value
}

/** Scout reads its credentials from these variables; they never appear in its arguments. */
function credentialEnvironment(input: InputReader): Record<string, string> {
  const pairs = {
    DOCKER_SCOUT_HUB_USER: input('dockerhub-user'),
    DOCKER_SCOUT_HUB_PASSWORD: input('dockerhub-password'),
    DOCKER_SCOUT_REGISTRY_USER: input('registry-user'),
    DOCKER_SCOUT_REGISTRY_PASSWORD: input('registry-password')
  }
  return Object.fromEntries(Object.entries(pairs).filter(([, value]) => value !== ''))
}

/**
 * `cache: true` on a runner: the keys of this leg's Scout cache. They name the workflow (its file), the job,
 * the step and the leg (the shard and the matrix values, which `comment-key` carries), so that a matrix leg
 * never restores another leg's folder, and they end with the run, since a saved key cannot be written again.
 */
export function actionsCacheSettings(
  input: InputReader,
  env: NodeJS.ProcessEnv,
  github: GithubContext,
  shard: Shard | undefined
): ActionsCacheSettings | undefined {
  if (!parseBoolean('cache', input('cache')) || env.GITHUB_ACTIONS !== 'true') return undefined
  // Keys may not hold commas and are at most 512 characters: each part is cut to safe characters.
  const part = (value: string | undefined, fallback: string, max = 60) =>
    (value ?? '').replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, max) || fallback
  const workflowFile = env.GITHUB_WORKFLOW_REF?.split('@')[0]?.split('/').pop()
  const leg = createHash('sha256')
    .update(JSON.stringify([shard ?? null, input('comment-key')]))
    .digest('hex')
    .slice(0, 12)
  const restorePrefix = [
    'scout-graph-sbom',
    process.platform,
    process.arch,
    part(workflowFile ?? github.workflow, 'workflow'),
    part(github.job, 'job'),
    part(env.GITHUB_ACTION, 'step', 40),
    ...(shard ? [`${shard.index}of${shard.count}`] : []),
    leg,
    ''
  ].join('-')
  return {
    restorePrefix,
    saveKey: `${restorePrefix}${part(github.runId, 'run')}-${part(github.runAttempt, '1')}`,
    save: github.pullRequest === undefined && !(env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request')
  }
}
