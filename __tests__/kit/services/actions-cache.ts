/**
 * A stand-in for GitHub's cache service as hosted runners use it (`ACTIONS_CACHE_SERVICE_V2`): Twirp JSON
 * under `ACTIONS_RESULTS_URL` (`github.actions.results.api.v1.CacheService`) with a bearer runtime token, and
 * signed blob URLs that the Azure SDK uploads to (one `PUT`, or blocks and a block list) and a plain `GET`
 * downloads from. It honours what GitHub documents and `@actions/cache` relies on: a key and version once
 * (409 `already_exists` for a second reservation), restore keys matched by prefix with the newest entry
 * first, only finalized entries served, and the faults a test asks for.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startHttpStub } from '../http.js'

export interface CacheEntry {
  id: number
  key: string
  version: string
  archive?: Buffer
  blocks: Map<string, Buffer>
  finalized: boolean
  created: number
}

export type CacheFault =
  /** The signed download URL answers 500 (storage down). */
  | 'download-500'
  /** The lookup is throttled: 429 with Retry-After. */
  | 'lookup-429'
  /** The archive is served cut short, with a Content-Length that matches the cut. */
  | 'truncated'
  /** A reservation is refused: the repository is over its cache quota. */
  | 'quota'

export interface CacheServiceStandIn {
  /** What `ACTIONS_RESULTS_URL` is set to. */
  url: string
  token: string
  entries: CacheEntry[]
  /** Twirp methods and blob operations, in order. */
  calls: string[]
  faults: Set<CacheFault>
  /** The environment a runner gives a step that may use this service. */
  env(): Record<string, string>
  close(): Promise<void>
}

const SERVICE = '/twirp/github.actions.results.api.v1.CacheService/'

export async function startCacheService(): Promise<CacheServiceStandIn> {
  const token = 'ghs_cacheRuntimeToken7'
  const entries: CacheEntry[] = []
  const calls: string[] = []
  const faults = new Set<CacheFault>()
  let clock = 0
  const stub = await startHttpStub((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks)
      const url = new URL(request.url ?? '/', 'http://stand-in')
      if (url.pathname.startsWith('/blob/')) return blob(request, response, url, body)
      if (!url.pathname.startsWith(SERVICE) || request.method !== 'POST') return twirpError(response, 404, 'bad_route', 'no such method')
      if (request.headers.authorization !== `Bearer ${token}`) return twirpError(response, 401, 'unauthenticated', 'bad token')
      const method = url.pathname.slice(SERVICE.length)
      calls.push(method)
      const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>
      twirp(method, input, response)
    })
  })
  const base = `${stub.url}/`

  function twirp(method: string, input: Record<string, unknown>, response: ServerResponse) {
    const key = String(input.key ?? '')
    const version = String(input.version ?? '')
    if (method === 'CreateCacheEntry') {
      if (faults.has('quota')) return json(response, { ok: false, message: 'Cache storage quota exceeded for this repository' })
      if (entries.some((entry) => entry.key === key && entry.version === version)) {
        return twirpError(response, 409, 'already_exists', 'cache entry with the same key, version, and scope already exists')
      }
      const entry: CacheEntry = { id: entries.length + 1, key, version, blocks: new Map(), finalized: false, created: ++clock }
      entries.push(entry)
      return json(response, { ok: true, signed_upload_url: `${base}blob/${entry.id}?sig=upload` })
    }
    if (method === 'FinalizeCacheEntryUpload') {
      const entry = entries.find((candidate) => candidate.key === key && candidate.version === version && !candidate.finalized)
      if (!entry?.archive || entry.archive.length !== Number(input.size_bytes))
        return json(response, { ok: false, message: 'no upload of that size' })
      entry.finalized = true
      return json(response, { ok: true, entry_id: String(entry.id) })
    }
    if (method === 'GetCacheEntryDownloadURL') {
      if (faults.has('lookup-429')) {
        response.setHeader('Retry-After', '60')
        return twirpError(response, 429, 'resource_exhausted', 'too many requests')
      }
      const ready = entries.filter((entry) => entry.finalized && entry.version === version).sort((a, b) => b.created - a.created)
      const restoreKeys = (input.restore_keys as string[] | undefined) ?? []
      const match =
        ready.find((entry) => entry.key === key) ??
        restoreKeys.map((prefix) => ready.find((entry) => entry.key.startsWith(prefix))).find(Boolean)
      if (!match) return json(response, { ok: false })
      return json(response, { ok: true, signed_download_url: `${base}blob/${match.id}?sig=download`, matched_key: match.key })
    }
    twirpError(response, 404, 'bad_route', `no method ${method}`)
  }

  function blob(request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer) {
    const entry = entries.find((candidate) => candidate.id === Number(url.pathname.split('/')[2]))
    if (!entry) return response.writeHead(404).end()
    const azureHeaders = {
      'x-ms-request-id': `r${++clock}`,
      'x-ms-version': '2025-01-05',
      ETag: `"0x${clock}"`,
      'Last-Modified': new Date().toUTCString()
    }
    if (request.method === 'PUT') {
      const comp = url.searchParams.get('comp')
      calls.push(`PUT blob${comp ? ` ${comp}` : ''}`)
      if (comp === 'block') entry.blocks.set(url.searchParams.get('blockid') ?? '', body)
      else if (comp === 'blocklist') {
        const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]+)<\//g)].map((match) => match[1])
        entry.archive = Buffer.concat(ids.map((id) => entry.blocks.get(id) ?? Buffer.alloc(0)))
      } else entry.archive = body
      return response.writeHead(201, { ...azureHeaders, 'x-ms-request-server-encrypted': 'true', 'Content-Length': '0' }).end()
    }
    calls.push(`${request.method} blob`)
    if (faults.has('download-500')) return response.writeHead(500, azureHeaders).end()
    const archive = entry.archive ?? Buffer.alloc(0)
    const served = faults.has('truncated') ? archive.subarray(0, Math.floor(archive.length / 2)) : archive
    response.writeHead(200, { ...azureHeaders, 'Content-Length': String(served.length), 'Content-Type': 'application/octet-stream' })
    response.end(request.method === 'HEAD' ? undefined : served)
  }

  return {
    url: base,
    token,
    entries,
    calls,
    faults,
    env: () => ({ ACTIONS_CACHE_SERVICE_V2: 'true', ACTIONS_RESULTS_URL: base, ACTIONS_RUNTIME_TOKEN: token }),
    close: () => stub.close()
  }
}

function json(response: ServerResponse, value: object) {
  response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(value))
}

function twirpError(response: ServerResponse, status: number, code: string, msg: string) {
  response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify({ code, msg }))
}
