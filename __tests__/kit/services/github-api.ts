/**
 * A local stand-in for the part of GitHub's REST API the action calls: the comments of one pull request
 * (`o/r#7`), listed in small pages (so pagination is exercised), created and updated. It records every call.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ApiCall {
  method: string
  url: string
  authorization?: string
  body?: unknown
}

export interface GithubApiStandIn {
  url: string
  calls: ApiCall[]
  comments: { id: number; body: string }[]
  /** The node ids of the comments minimized through GraphQL. */
  minimized: string[]
  /** Answer every call with this status (403, 422…) until cleared. */
  refuseWith?: number
  /** The longest comment body accepted; a longer one gets 422, as GitHub's 65,536-character limit does. */
  commentLimit: number
  reset(): void
  close(): Promise<void>
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
    calls: [],
    comments: [],
    minimized: [],
    commentLimit,
    reset() {
      api.calls.length = 0
      api.minimized.length = 0
      api.comments = [1, 2, 3].map((id) => ({ id, body: `someone else's comment ${id}` }))
      delete api.refuseWith
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve()))
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
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(data))
    }
    if (api.refuseWith)
      return send(api.refuseWith, { message: api.refuseWith === 403 ? 'Resource not accessible by integration' : 'Validation Failed' })
    if (request.method === 'POST' && url.pathname === '/graphql') {
      const { variables } = JSON.parse(text) as { query: string; variables: { id: string } }
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
    send(404, { message: 'Not Found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  api.reset()
  return api
}
