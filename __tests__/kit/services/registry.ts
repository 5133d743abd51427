/**
 * A real container registry for the digest lookups: go-containerregistry's `crane registry serve` (built
 * into .cache/ by scripts/provision.sh), filled with `crane`: one-platform images (linux/amd64 and
 * linux/arm64/v8, their platform in their config) and multi-platform indexes. In front of it, a small proxy
 * that asks for a bearer token as Docker Hub does (its realm on another port), checks Basic credentials at
 * the realm when set, counts requests, and injects a test's faults.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../helpers.js'
import { freePort } from '../http.js'

export const CRANE = path.join(ROOT, '.cache', 'bin', 'crane')

export interface RegistryFault {
  /** Matched against `METHOD path`, e.g. `HEAD /v2/lib/node/manifests/22.14-alpine`. */
  match: RegExp
  answer: 'hang' | 'no-digest' | 'hostile-digest' | { status: number; headers?: Record<string, string> }
  times?: number
}

export interface TestRegistry {
  /** `127.0.0.1:PORT` of the proxy, as a reference names it. */
  host: string
  /** The registry itself, without the proxy: for `crane` in the tests. */
  direct: string
  requests: string[]
  faults: RegistryFault[]
  /** Basic credentials the token realm asks for; anonymous when unset. */
  credentials?: { username: string; password: string }
  /** Blobs answered by a redirect to a store on another port that needs no auth (as S3 behind a registry). */
  redirectBlobs: boolean
  /** The `authorization` headers the blob store was sent (none should reach it). */
  storeAuthorizations: string[]
  /** One-platform image from a layer of `content`, for `platform`; returns its digest. */
  image(repository: string, tag: string, platform: string, content: string): Promise<string>
  /** A multi-platform index of the given manifests under `tag`; returns its digest. */
  index(repository: string, tag: string, manifests: readonly string[]): Promise<string>
  close(): Promise<void>
}

const run = promisify(execFile)

export async function startRegistry(): Promise<TestRegistry> {
  const port = await freePort()
  const crane: ChildProcess = spawn(CRANE, ['registry', 'serve', '--address', `127.0.0.1:${port}`], { stdio: 'ignore' })
  const direct = `127.0.0.1:${port}`
  for (let tries = 0; ; tries++) {
    const up = await fetch(`http://${direct}/v2/`).then(
      () => true,
      () => false
    )
    if (up) break
    if (tries > 100) throw new Error('crane registry serve did not start')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const work = await mkdtemp(path.join(os.tmpdir(), 'sg-registry-'))
  const craneRun = (...args: string[]) => run(CRANE, ['--insecure', ...args])
  const tokens = new Set<string>()
  const registry: TestRegistry = {
    host: '',
    direct,
    requests: [],
    faults: [],
    redirectBlobs: false,
    storeAuthorizations: [],
    async image(repository, tag, platform, content) {
      const layer = path.join(work, `${repository.replaceAll('/', '_')}-${tag}-${platform.replaceAll('/', '_')}.tar`)
      const folder = await mkdtemp(path.join(work, 'layer-'))
      await writeFile(path.join(folder, 'content.txt'), content)
      await run('tar', ['-cf', layer, '-C', folder, 'content.txt'])
      const ref = `${direct}/${repository}:${tag}`
      await craneRun('append', '--oci-empty-base', '-f', layer, '-t', ref)
      await craneRun('mutate', ref, '--set-platform', platform, '-t', ref)
      return (await craneRun('digest', ref)).stdout.trim()
    },
    async index(repository, tag, manifests) {
      const ref = `${direct}/${repository}:${tag}`
      await craneRun('index', 'append', '-t', ref, ...manifests.flatMap((digest) => ['-m', `${direct}/${repository}@${digest}`]))
      return (await craneRun('digest', ref)).stdout.trim()
    },
    close: async () => {
      crane.kill()
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      await new Promise<void>((resolve) => realm.close(() => resolve()))
      await new Promise<void>((resolve) => store.close(() => resolve()))
    }
  }
  const realm: Server = createServer((request, response) => {
    const basic = request.headers.authorization
    const expected = registry.credentials
      ? `Basic ${Buffer.from(`${registry.credentials.username}:${registry.credentials.password}`).toString('base64')}`
      : undefined
    registry.requests.push(`TOKEN ${request.url}`)
    if (expected && basic !== expected) return void response.writeHead(401).end('{"details":"bad credentials"}')
    const token = `t${tokens.size + 1}`
    tokens.add(token)
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }))
  })
  await new Promise<void>((resolve) => realm.listen(0, '127.0.0.1', resolve))
  const realmUrl = `http://127.0.0.1:${(realm.address() as AddressInfo).port}/token`

  const store = createServer((request, response) => {
    registry.requests.push(`STORE ${request.url}`)
    if (request.headers.authorization) registry.storeAuthorizations.push(request.headers.authorization)
    const upstream = httpRequest({ host: '127.0.0.1', port, path: request.url }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    })
    upstream.end()
  })
  await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve))
  const storeUrl = `http://127.0.0.1:${(store.address() as AddressInfo).port}`

  const proxy = createServer((request: IncomingMessage, response: ServerResponse): void => {
    const line = `${request.method} ${request.url}`
    registry.requests.push(line)
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1]
    if (request.url !== '/v2/' && (!token || !tokens.has(token))) {
      const scope = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(request.url ?? '')?.[1] ?? ''
      return void response
        .writeHead(401, { 'www-authenticate': `Bearer realm="${realmUrl}",service="test-registry",scope="repository:${scope}:pull"` })
        .end('{"errors":[{"code":"UNAUTHORIZED"}]}')
    }
    // Faults meet authenticated requests: what a client sees once it has its token.
    const fault = registry.faults.find((candidate) => candidate.match.test(line))
    if (fault) {
      fault.times = (fault.times ?? 1) - 1
      if (fault.times <= 0) registry.faults.splice(registry.faults.indexOf(fault), 1)
      if (fault.answer === 'hang') return
      if (typeof fault.answer === 'object') return void response.writeHead(fault.answer.status, fault.answer.headers ?? {}).end()
    }
    if (registry.redirectBlobs && /\/blobs\/sha256:/.test(request.url ?? ''))
      return void response.writeHead(307, { location: `${storeUrl}${request.url}` }).end()
    const upstream = httpRequest(
      { host: '127.0.0.1', port, method: request.method, path: request.url, headers: { accept: request.headers.accept ?? '*/*' } },
      (answer) => {
        const headers = { ...answer.headers }
        if (fault?.answer === 'no-digest') delete headers['docker-content-digest']
        if (fault?.answer === 'hostile-digest') headers['docker-content-digest'] = 'sha256:../../etc/passwd'
        response.writeHead(answer.statusCode ?? 502, headers)
        answer.pipe(response)
      }
    )
    request.pipe(upstream)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  registry.host = `127.0.0.1:${(proxy.address() as AddressInfo).port}`
  return registry
}
