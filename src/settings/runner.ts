/** Where the run is: the runner's context, the output folder, the update tag. */
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import type { GithubContext } from '../types/settings.js'
import { InputError } from './values.js'

/** What the runner says about the run: `GITHUB_*` variables and the event payload. */
export async function githubContext(env: NodeJS.ProcessEnv): Promise<GithubContext> {
  let pullRequest: number | undefined
  let fromFork = false
  if (env.GITHUB_EVENT_PATH) {
    try {
      const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: PullRequestEvent }
      if (typeof event.pull_request?.number === 'number') {
        pullRequest = event.pull_request.number
        // A deleted fork leaves head.repo null; either way the head is not this repository.
        fromFork = event.pull_request.head?.repo?.full_name !== event.pull_request.base?.repo?.full_name
      }
    } catch {
      // No readable event: no pull request to comment on.
    }
  }
  const optional = {
    repository: env.GITHUB_REPOSITORY,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    workflow: env.GITHUB_WORKFLOW,
    job: env.GITHUB_JOB,
    sha: env.GITHUB_SHA
  }
  return {
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    artifactService: Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value)),
    ...(pullRequest !== undefined ? { pullRequest, ...(fromFork ? { fromFork } : {}) } : {})
  }
}

interface PullRequestEvent {
  number?: unknown
  head?: { repo?: { full_name?: string } | null }
  base?: { repo?: { full_name?: string } }
}

/** An existing directory, or a path where one can be made; never a file. */
export async function parseOutputDir(value: string): Promise<string> {
  const resolved = path.resolve(value)
  const existing = await stat(resolved).catch(() => undefined)
  if (existing && !existing.isDirectory()) throw new InputError('output-dir', `${JSON.stringify(value)} exists and is not a directory`)
  return resolved
}

export function parseUpdateTag(value: string): number {
  if (!/^\d{1,15}$/.test(value))
    throw new InputError('update-tag', `expected a non-negative whole number (epoch seconds), got ${JSON.stringify(value)}`)
  return Number(value)
}
