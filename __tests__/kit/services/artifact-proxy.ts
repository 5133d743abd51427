/**
 * A proxy in front of act's artifact server (its v4 results service, the real protocol peer of
 * `@actions/artifact`) that fixes the two act 0.2.89 bugs the upload meets, and nothing else:
 *   - nektos/act#6022: CreateArtifact refuses the `mime_type` field that @actions/artifact 6 sends;
 *   - nektos/act#6021: act signs upload URLs with a padded base64 `sig`, the Azure client sends it back
 *     unpadded, and act then answers 401.
 * The runner's node reaches it through a preload (see act.ts) that points ACTIONS_RESULTS_URL here.
 */
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ArtifactProxy {
  url: string
  requests: string[]
  close(): Promise<void>
}

export async function startArtifactProxy(actServerPort: number): Promise<ArtifactProxy> {
  const requests: string[] = []
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      let body = Buffer.concat(chunks)
      const url = (incoming.url ?? '/').replace(/([?&]sig=)([^&]*)/, (_, key: string, value: string) => {
        const sig = decodeURIComponent(value)
        return `${key}${encodeURIComponent(sig + '='.repeat((4 - (sig.length % 4)) % 4))}`
      })
      if (url.includes('/CreateArtifact')) {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>
        delete json.mime_type
        body = Buffer.from(JSON.stringify(json))
      }
      requests.push(`${incoming.method} ${url.split('?')[0]}`)
      const forwarded = request(
        {
          host: '127.0.0.1',
          port: actServerPort,
          method: incoming.method,
          path: url,
          headers: { ...incoming.headers, 'content-length': body.length }
        },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers)
          response.pipe(outgoing)
        }
      )
      forwarded.on('error', () => outgoing.writeHead(502).end())
      forwarded.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
