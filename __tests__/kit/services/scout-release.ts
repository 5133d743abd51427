/**
 * A stand-in for the docker/scout-cli GitHub releases: one version's archive (a `docker-scout` that answers
 * `docker scout version`) and its checksums file, served under `<url>/v<version>/`, with every request kept.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmod, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { assetName } from '../../../src/scan/provision.js'
import { startHttpStub, type HttpStub } from '../http.js'

export interface ScoutRelease extends HttpStub {
  /** What `SCOUT_GRAPH_RELEASES_URL` is set to. */
  releasesUrl: string
  requests: { url: string; authorization?: string }[]
  /** The files served, by request path: a test may replace or remove one. */
  files: Map<string, Buffer>
  /** Puts the release of `version` back as it was. */
  reset(): Promise<void>
}

/** A release archive holding a `docker-scout` that answers `docker scout version`. */
async function releaseArchive(version: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-plugin-'))
  await writeFile(path.join(dir, 'docker-scout'), `#!/bin/sh\necho "version: v${version} (fake plugin)"\n`)
  await chmod(path.join(dir, 'docker-scout'), 0o755)
  const archive = path.join(dir, assetName(version, process.platform, process.arch))
  await promisify(execFile)('tar', ['-czf', archive, '-C', dir, 'docker-scout'])
  return readFile(archive)
}

export async function startScoutRelease(version: string): Promise<ScoutRelease> {
  const requests: ScoutRelease['requests'] = []
  const files = new Map<string, Buffer>()
  const stub = await startHttpStub((request, response) => {
    requests.push({ url: request.url ?? '', ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) })
    const body = files.get(request.url ?? '')
    response.writeHead(body ? 200 : 404).end(body ?? 'not found')
  })
  const prefix = `/docker/scout-cli/releases/download/v${version}`
  const asset = assetName(version, process.platform, process.arch)
  const reset = async () => {
    const archive = await releaseArchive(version)
    const sha = createHash('sha256').update(archive).digest('hex')
    files.clear()
    files.set(`${prefix}/${asset}`, archive)
    files.set(
      `${prefix}/docker-scout_${version}_checksums.txt`,
      Buffer.from(`${'0'.repeat(64)}  docker-scout_${version}_windows_amd64.zip\n${sha}  ${asset}\n`)
    )
    requests.length = 0
  }
  await reset()
  return { ...stub, releasesUrl: `${stub.url}/docker/scout-cli/releases/download`, requests, files, reset }
}
