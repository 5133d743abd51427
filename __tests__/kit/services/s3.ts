/**
 * A real S3 API for a test file: moto's server (test-services/requirements.txt) on a free port of
 * 127.0.0.1, reached by the AWS SDK through AWS_ENDPOINT_URL_S3 and path-style addressing.
 */
import { spawn } from 'node:child_process'
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { VENV_BIN } from './cartography.js'
import { freePort } from '../http.js'

export interface TestS3 {
  endpoint: string
  stop(): Promise<void>
}

export async function startMoto(): Promise<TestS3> {
  const port = await freePort()
  const child = spawn(path.join(VENV_BIN, 'moto_server'), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' })
  const endpoint = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    const up = await fetch(`${endpoint}/moto-api/`).then(
      (response) => response.ok,
      () => false
    )
    if (up) break
    if (attempt > 300 || child.exitCode !== null) throw new Error(`moto_server did not start on ${endpoint}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
  }
}

/**
 * A proxy in front of the S3 server that answers some requests with an error of its own choosing
 * (`inject` returns a status, or undefined to pass the request on), and sees every request's headers.
 */
export async function faultyProxy(
  target: string,
  inject: (method: string, url: string, headers: IncomingHttpHeaders) => number | undefined
): Promise<{ endpoint: string; server: Server }> {
  const upstream = new URL(target)
  const server = createServer((incoming, outgoing) => {
    const status = inject(incoming.method ?? 'GET', incoming.url ?? '/', incoming.headers)
    if (status !== undefined) {
      incoming.resume()
      outgoing.writeHead(status, { 'content-type': 'application/xml' })
      outgoing.end(
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${status === 503 ? 'SlowDown' : 'InternalError'}</Code><Message>injected</Message></Error>`
      )
      return
    }
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers)
        response.pipe(outgoing)
      }
    )
    incoming.pipe(forwarded)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}
