/**
 * The GitHub room's one client: every REST and GraphQL call the project makes goes through it. It does
 * what GitHub's guidance asks, with octokit's own plugins: on a primary or secondary rate limit it waits
 * `retry-after` or until the reset (bounded), 5xx answers and dropped connections of requests that are safe
 * to repeat are retried with backoff, and each request has a timeout. A refusal is put into words here,
 * naming what really happened. Octokit loads only when a run talks to GitHub.
 */
import type { Host } from '../host.js'
import { errorLine } from '../messages.js'
import type { GithubContext } from '../types/settings.js'

export interface GithubLimits {
  /** How long one request may go unanswered. */
  timeoutMs: number
  /** Retries of a 5xx or a dropped connection (requests that are safe to repeat only). */
  retries: number
  /** The first backoff; the n-th retry waits n² times this. */
  retryBaseMs: number
  /** The longest wait a rate limit may ask for before the call gives up. */
  maxRateLimitWaitSeconds: number
  /** Retries after rate limits, per request. */
  rateLimitRetries: number
  /** The least time between two writes (GitHub asks for a second, against secondary rate limits). */
  writeIntervalMs: number
  /** The least time between two writes that notify people (a comment, an issue): octokit keeps three seconds. */
  notificationIntervalMs: number
}

export const GITHUB_LIMITS: GithubLimits = {
  timeoutMs: 20_000,
  retries: 2,
  retryBaseMs: 1_000,
  maxRateLimitWaitSeconds: 60,
  rateLimitRetries: 2,
  writeIntervalMs: 1_000,
  notificationIntervalMs: 3_000
}

/** Octokit for this run's API, and what it can say of a failed call. */
export interface GithubClient {
  octokit: Awaited<ReturnType<typeof createOctokit>>
  /** Why a call failed, in words that send the user to the real cause. */
  problem(error: unknown, what: string, permission: string): string
}

async function createOctokit(token: string, github: GithubContext, host: Host, limits: GithubLimits, since: () => number) {
  const [{ getOctokit }, { defaults }, { retry }, { throttling }, { default: Bottleneck }] = await Promise.all([
    import('@actions/github'),
    import('@actions/github/lib/utils'),
    import('@octokit/plugin-retry'),
    import('@octokit/plugin-throttling'),
    import('bottleneck/light.js')
  ])
  // The toolkit's fetch (it honours the runner's proxy settings), with a timeout on every request.
  const proxied = (defaults.request?.fetch ?? fetch) as typeof fetch
  // A controller and a timer of our own: a signal of AbortSignal.any() over AbortSignal.timeout() is held
  // weakly and can be collected before it fires (nodejs/node#48951), which left a silent GitHub unanswered.
  const timed: typeof fetch = async (input, init) => {
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(new DOMException('no answer in time', 'TimeoutError')), limits.timeoutMs)
    const forward = () => controller.abort(init?.signal?.reason)
    init?.signal?.addEventListener('abort', forward, { once: true })
    try {
      return await proxied(input, { ...init, signal: controller.signal })
    } finally {
      clearTimeout(timer)
      init?.signal?.removeEventListener('abort', forward)
    }
  }
  const onLimit =
    (kind: string) => (retryAfter: number, options: { method?: string; url?: string }, _octokit: unknown, retryCount: number) => {
      const retrying = retryCount < limits.rateLimitRetries && retryAfter <= limits.maxRateLimitWaitSeconds
      host.info(
        `GitHub: ${kind} rate limit on ${options.method ?? ''} ${options.url ?? ''}: ` +
          (retrying ? `waiting ${retryAfter} s, as GitHub asks` : `giving up after ${since()} s`)
      )
      return retrying
    }
  return getOctokit(
    token,
    {
      baseUrl: github.apiUrl,
      request: { ...defaults.request, fetch: timed },
      retry: { retries: limits.retries, retryAfterBaseValue: limits.retryBaseMs },
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: limits.writeIntervalMs }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: limits.notificationIntervalMs })
      }
    },
    retry,
    throttling
  )
}

/** The client of this run (GitHub, or GitHub Enterprise Server through `GITHUB_API_URL`). */
export async function githubClient(token: string, github: GithubContext, host: Host, limits = GITHUB_LIMITS): Promise<GithubClient> {
  const started = Date.now()
  const since = () => Math.round((Date.now() - started) / 1000)
  const octokit = await createOctokit(token, github, host, limits, since)
  return { octokit, problem: (error, what, permission) => describeFailure(error, what, permission, limits, since()) }
}

/** A create is not repeated after a 5xx or a lost answer: it may have landed, and a second one would be a duplicate. */
export const ONCE = { request: { retries: 0 } } as const

interface FailedCall {
  status?: number
  message?: string
  name?: string
  cause?: unknown
  response?: { headers?: Record<string, string | number | undefined> }
}

function describeFailure(error: unknown, what: string, permission: string, limits: GithubLimits, seconds: number): string {
  const failed = (error ?? {}) as FailedCall
  const timedOut = [failed.name, (failed.cause as FailedCall | undefined)?.name].some(
    (name) => name === 'TimeoutError' || name === 'AbortError'
  )
  if (timedOut)
    return `GitHub did not answer in ${limits.timeoutMs / 1000} s, so the write may or may not have landed (the next run finds it again)`
  const headers = failed.response?.headers ?? {}
  const rateLimited =
    (failed.status === 403 || failed.status === 429) &&
    (String(headers['x-ratelimit-remaining']) === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(failed.message ?? ''))
  if (rateLimited) return `GitHub rate-limited the token, and the call gave up after ${seconds} s`
  if (failed.status === 403 || failed.status === 404) return `the token may not write ${what} (a fork, or no \`${permission}\` permission)`
  if (failed.status === 500 && failed.response === undefined) return `GitHub could not be reached: ${errorLine(failed.cause ?? error)}`
  return `GitHub answered ${failed.status ?? 'with an error'}`
}

/** The link to this workflow run, which the summary, the comment and the dashboard give. */
export function runUrl(github: GithubContext): string | undefined {
  return github.repository && github.runId ? `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}` : undefined
}

/** `owner/name` as the REST API's two path parameters. */
export function repositoryParams(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/')
  return { owner, repo }
}
