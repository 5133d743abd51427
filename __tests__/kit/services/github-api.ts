/**
 * A local stand-in for the part of GitHub's REST API the action calls: the comments of one pull request
 * (`o/r#7`), the repository's issues, and its git data and pull requests (`github-git.ts`), listed in small pages (so pagination is exercised), created and
 * updated. It records every call, and answers the faults a test queues the way GitHub answers them: rate
 * limits with GitHub's headers and messages, 5xx, an answer that never comes (before or after the write).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { GithubLimits } from '../../../src/github/client.js'
import type { GithubContext } from '../../../src/types/settings.js'
import { answerGit, answerUpdateRefs, gitRepo, type GitRepo } from './github-git.js'

export interface ApiCall {
  method: string
  url: string
  authorization?: string
  body?: unknown
}

/** A fault for the next `times` calls (default 1) that match the method and path. */
export interface Fault {
  method: string
  path: RegExp
  times?: number
  /**
   * An answer instead of the real one; `hang`: no answer at all; `write-then-hang`: the call does its work,
   * and the answer never comes; a function: runs first (a change made meanwhile), then the call goes on.
   */
  answer: { status: number; headers?: Record<string, string>; message: string } | 'hang' | 'write-then-hang' | (() => void)
}

/** GitHub's answers to a token over its limits (REST API docs, "Rate limits for the REST API"). */
export const RATE_LIMITS = {
  secondary: (retryAfter = 1) => ({
    status: 403,
    headers: { 'retry-after': String(retryAfter), 'x-ratelimit-remaining': '4900', 'x-ratelimit-limit': '5000' },
    message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.'
  }),
  primary: (resetInSeconds = 1) => ({
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + resetInSeconds)
    },
    message: 'API rate limit exceeded for installation ID 1234.'
  })
}

export interface GithubApiStandIn {
  /** Queued faults, consumed in order of matching. */
  faults: Fault[]
  url: string
  calls: ApiCall[]
  comments: { id: number; body: string }[]
  /** The repository's issues (and pull requests, as GitHub lists them among issues), oldest first. */
  issues: StandInIssue[]
  /** The node ids of the comments minimized through GraphQL. */
  minimized: string[]
  /** Answer every call with this status (403, 422…) until cleared. */
  refuseWith?: number
  /** The longest comment body accepted; a longer one gets 422, as GitHub's 65,536-character limit does. */
  commentLimit: number
  /** The repository's git objects, refs, pull requests and labels. */
  git: GitRepo
  reset(): void
  close(): Promise<void>
}

export interface StandInIssue {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  /** `Bot` for the workflow token's issues. */
  userType: 'Bot' | 'User'
  authorAssociation: string
  pullRequest?: boolean
}

const PER_PAGE = 2

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    request.on('data', (chunk: Buffer) => (text += chunk.toString()))
    request.on('end', () => resolve(text))
  })
}

export async function startGithubApi(commentLimit = 65_536): Promise<GithubApiStandIn> {
  const api: GithubApiStandIn = {
    url: '',
    faults: [],
    calls: [],
    comments: [],
    issues: [],
    minimized: [],
    commentLimit,
    git: gitRepo({}),
    reset() {
      api.git = gitRepo({})
      api.calls.length = 0
      api.minimized.length = 0
      api.comments = [1, 2, 3].map((id) => ({ id, body: `someone else's comment ${id}` }))
      api.issues = [1, 2, 3].map((number) => ({
        number,
        title: `someone's issue ${number}`,
        body: 'a bug',
        state: 'open',
        userType: 'User',
        authorAssociation: 'NONE',
        ...(number === 2 ? { pullRequest: true } : {})
      }))
      delete api.refuseWith
      api.faults.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x')
    const text = await readBody(request)
    api.calls.push({
      method: request.method ?? '',
      url: url.pathname + url.search,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      ...(text ? { body: JSON.parse(text) } : {})
    })
    const fault = api.faults.find((candidate) => candidate.method === request.method && candidate.path.test(url.pathname))
    if (fault) {
      fault.times = (fault.times ?? 1) - 1
      if (fault.times <= 0) api.faults.splice(api.faults.indexOf(fault), 1)
    }
    const answer = fault?.answer
    if (answer === 'hang') return
    if (typeof answer === 'function') answer()
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      if (answer === 'write-then-hang') return
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data))
    }
    if (typeof answer === 'object')
      return send(answer.status, { message: answer.message, documentation_url: 'https://docs.github.com/rest' }, answer.headers)
    if (api.refuseWith)
      return send(api.refuseWith, { message: api.refuseWith === 403 ? 'Resource not accessible by integration' : 'Validation Failed' })
    if (request.method === 'POST' && url.pathname === '/graphql') {
      const { query, variables } = JSON.parse(text) as { query: string; variables: { id: string } }
      if (query.includes('updateRefs')) return send(200, answerUpdateRefs(api.git, variables as never))
      api.minimized.push(variables.id)
      return send(200, { data: { minimizeComment: { clientMutationId: null } } })
    }
    // Comments as GitHub lists them, with their GraphQL node id and URL.
    const listed = (comment: { id: number; body: string }) => ({
      ...comment,
      node_id: `node-${comment.id}`,
      html_url: `https://github.com/o/r/pull/7#issuecomment-${comment.id}`
    })
    if (request.method === 'GET' && url.pathname === '/repos/o/r/issues/7/comments') {
      const page = Number(url.searchParams.get('page') ?? '1')
      const last = Math.max(1, Math.ceil(api.comments.length / PER_PAGE))
      const link: Record<string, string> =
        page < last ? { link: `<${api.url}/repos/o/r/issues/7/comments?per_page=100&page=${page + 1}>; rel="next"` } : {}
      return send(200, api.comments.slice((page - 1) * PER_PAGE, page * PER_PAGE).map(listed), link)
    }
    if (request.method === 'POST' && url.pathname === '/repos/o/r/issues/7/comments') {
      const body = (JSON.parse(text) as { body: string }).body
      if (body.length > api.commentLimit) return send(422, { message: 'Validation Failed' })
      const id = 100 + api.comments.length
      const comment = { id, body, html_url: `https://github.com/o/r/pull/7#issuecomment-${id}` }
      api.comments.push(comment)
      return send(201, comment)
    }
    const update = /^\/repos\/o\/r\/issues\/comments\/(\d+)$/.exec(url.pathname)
    if (request.method === 'PATCH' && update) {
      const comment = api.comments.find((c) => c.id === Number(update[1]))
      if (!comment) return send(404, { message: 'Not Found' })
      comment.body = (JSON.parse(text) as { body: string }).body
      return send(200, { ...comment, html_url: `https://github.com/o/r/pull/7#issuecomment-${comment.id}` })
    }
    const issue = (item: StandInIssue) => ({
      number: item.number,
      title: item.title,
      body: item.body,
      state: item.state,
      user: { login: item.userType === 'Bot' ? 'github-actions[bot]' : 'someone', type: item.userType },
      author_association: item.authorAssociation,
      html_url: `https://github.com/o/r/issues/${item.number}`,
      ...(item.pullRequest ? { pull_request: { url: 'x' } } : {})
    })
    if (request.method === 'GET' && url.pathname === '/repos/o/r/issues') {
      // Sorted as asked for (updated, newest first): here the latest number stands for the latest update.
      const state = url.searchParams.get('state') ?? 'open'
      const listed = [...api.issues].reverse().filter((item) => state === 'all' || item.state === state)
      const page = Number(url.searchParams.get('page') ?? '1')
      const last = Math.max(1, Math.ceil(listed.length / PER_PAGE))
      const query = new URLSearchParams(url.searchParams)
      query.set('page', String(page + 1))
      const link: Record<string, string> = page < last ? { link: `<${api.url}/repos/o/r/issues?${query}>; rel="next"` } : {}
      return send(200, listed.slice((page - 1) * PER_PAGE, page * PER_PAGE).map(issue), link)
    }
    if (request.method === 'POST' && url.pathname === '/repos/o/r/issues') {
      const { title, body } = JSON.parse(text) as { title: string; body: string }
      if (body.length > 65_536) return send(422, { message: 'Validation Failed' })
      const created: StandInIssue = {
        number: 100 + api.issues.length,
        title,
        body,
        state: 'open',
        userType: 'Bot',
        authorAssociation: 'NONE'
      }
      api.issues.push(created)
      return send(201, issue(created))
    }
    const issueUpdate = /^\/repos\/o\/r\/issues\/(\d+)$/.exec(url.pathname)
    if (request.method === 'PATCH' && issueUpdate) {
      const found = api.issues.find((item) => item.number === Number(issueUpdate[1]))
      if (!found) return send(404, { message: 'Not Found' })
      const { body } = JSON.parse(text) as { body: string }
      if (body.length > 65_536) return send(422, { message: 'Validation Failed' })
      found.body = body
      // An update moves it to the top of the updated-first list.
      api.issues = [...api.issues.filter((item) => item !== found), found]
      return send(200, issue(found))
    }
    if (answerGit(api.git, request.method ?? '', url, text ? JSON.parse(text) : undefined, send, api.url)) return
    send(404, { message: 'Not Found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  api.reset()
  return api
}

/**
 * One stand-in for a describe block: started before it, reset before each test, closed after it. `api`
 * stands for the running stand-in (reads and writes go through to it).
 */
export function useGithubApi(commentLimit?: number): { api: GithubApiStandIn; github: (extra?: Partial<GithubContext>) => GithubContext } {
  let running: GithubApiStandIn | undefined
  beforeAll(async () => {
    running = await startGithubApi(commentLimit)
  })
  afterAll(() => running?.close())
  beforeEach(() => running?.reset())
  const current = () => {
    if (running === undefined) throw new Error('the GitHub API stand-in is not started yet')
    return running
  }
  const api = new Proxy({} as GithubApiStandIn, {
    get: (_, key) => Reflect.get(current(), key),
    set: (_, key, value) => Reflect.set(current(), key, value)
  })
  return {
    api,
    github: (extra = {}) => ({
      apiUrl: current().url,
      serverUrl: 'https://github.com',
      repository: 'o/r',
      runId: '9',
      artifactService: false,
      ...extra
    })
  }
}

/** GitHub's limits shrunk to test time: 0.3 s without an answer, 10 ms backoff, rate-limit waits up to 2 s, writes unspaced. */
export const FAST_GITHUB: GithubLimits = {
  timeoutMs: 300,
  retries: 2,
  retryBaseMs: 10,
  maxRateLimitWaitSeconds: 2,
  rateLimitRetries: 2,
  writeIntervalMs: 0,
  notificationIntervalMs: 0
}
