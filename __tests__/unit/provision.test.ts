/**
 * Installing the Scout CLI when `docker scout` is missing: a local HTTP server stands in for the
 * GitHub release, the fake `docker` runs the plugin once it sits in the CLI plugins folder.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { assetName, authorizationFor, ensureScout } from '../../src/scan/provision.js'
import { FAKE_DOCKER } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'
import type { ScoutSource } from '../../src/types/settings.js'
import { cliInProcess } from '../kit/cli.js'
import { startScoutRelease, type ScoutRelease } from '../kit/services/scout-release.js'

const VERSION = '1.99.0'
const ASSET = assetName(VERSION, process.platform, process.arch)
const TOKEN = 'ghs_provisionTestToken0451'

let release: ScoutRelease
let releasesUrl: string
let requests: ScoutRelease['requests']
let files: Map<string, Buffer>
const recorded = recordingHost()
const { host, lines: logs } = recorded

beforeAll(async () => {
  release = await startScoutRelease(VERSION)
  ;({ releasesUrl, requests, files } = release)
})
afterAll(() => release.close())

let dockerConfig: string
beforeEach(async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sg-provision-'))
  dockerConfig = path.join(root, 'docker')
  for (const dir of ['tools', 'temp', 'state']) await mkdir(path.join(root, dir))
  Object.assign(process.env, {
    PATH: `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`,
    DOCKER_SCOUT_FAKE_PLUGIN: 'required',
    DOCKER_SCOUT_FAKE_STATE: path.join(root, 'state'),
    DOCKER_CONFIG: dockerConfig,
    RUNNER_TOOL_CACHE: path.join(root, 'tools'),
    RUNNER_TEMP: path.join(root, 'temp')
  })
  await release.reset()
  recorded.clear()
})

const source = (): ScoutSource => ({ version: VERSION, releasesUrl, githubToken: TOKEN })
const plugin = () => path.join(dockerConfig, 'cli-plugins', 'docker-scout')

describe('Scout CLI provisioning', () => {
  it('installs the plugin from the release, verified, and downloads nothing the second time', async () => {
    await ensureScout(source(), host)
    expect(existsSync(plugin())).toBe(true)
    expect(requests.map((request) => path.basename(request.url))).toEqual([`docker-scout_${VERSION}_checksums.txt`, ASSET])
    expect(logs).toContain(`Installed docker scout (version: v${VERSION} (fake plugin))`)

    // A new job on the same runner: no plugin yet, but the tool cache has it.
    await rm(path.join(dockerConfig, 'cli-plugins'), { recursive: true })
    requests.length = 0
    await ensureScout(source(), host)
    expect(requests).toEqual([])
    expect(existsSync(plugin())).toBe(true)
    expect(logs).toContain(`Found Scout CLI ${VERSION} in the tool cache`)
  })

  it('never sends the GitHub token anywhere but github.com', async () => {
    await ensureScout(source(), host)
    expect(requests.every((request) => request.authorization === undefined)).toBe(true)
    expect(logs.join('\n')).not.toContain(TOKEN)
    expect(authorizationFor('https://github.com/docker/scout-cli/releases/download/v1/x', TOKEN)).toBe(`token ${TOKEN}`)
    expect(authorizationFor('https://github.com.evil.example/x', TOKEN)).toBeUndefined()
    expect(authorizationFor('https://github.com/x', undefined)).toBeUndefined()
  })

  it('refuses an archive whose checksum does not match, and installs nothing', async () => {
    const key = `/docker/scout-cli/releases/download/v${VERSION}/${ASSET}`
    files.set(key, Buffer.concat([files.get(key) as Buffer, Buffer.from('tampered')]))
    await expect(ensureScout(source(), host)).rejects.toThrow(
      new RegExp(`^checksum mismatch for ${ASSET.replaceAll('.', '\\.')}: expected [0-9a-f]{64}, got [0-9a-f]{64}; refusing to run it$`)
    )
    expect(existsSync(plugin())).toBe(false)
    expect(existsSync(path.join(process.env.RUNNER_TOOL_CACHE as string, 'docker-scout'))).toBe(false)
  })

  it('names the release and asset when they cannot be downloaded', async () => {
    await expect(ensureScout({ ...source(), version: '1.98.0' }, host)).rejects.toThrow(
      /^cannot download http:\/\/127\.0\.0\.1:\d+\/docker\/scout-cli\/releases\/download\/v1\.98\.0\/docker-scout_1\.98\.0_checksums\.txt: /
    )
  })

  it('uses an installed docker scout as it is, without a download', async () => {
    process.env.DOCKER_SCOUT_FAKE_PLUGIN = ''
    await ensureScout(source(), host)
    expect(requests).toEqual([])
    expect(logs).toEqual(['Using the installed docker scout (version: v1.18.3 (go1.24.1 - linux/amd64))'])
  })

  it('keeps stdout of `scout-graph --json` the JSON alone while it installs Scout (the tool cache logs ::debug:: lines)', async () => {
    const output = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-install-'))
    const { stdout, stderr } = await cliInProcess(
      ['--json', '--images', 'app:1', '--output-dir', output, '--fail-on', 'none', '--scout-version', VERSION],
      { ...process.env, SCOUT_GRAPH_RELEASES_URL: releasesUrl }
    )
    expect(existsSync(plugin())).toBe(true)
    expect(stderr).toContain(`Installed docker scout (version: v${VERSION} (fake plugin))`)
    expect(stdout).not.toContain('::debug::')
    expect(JSON.parse(stdout)).toMatchObject([{ image: 'app:1', status: 'ok' }])
  })

  it('names the platforms it has no release for', () => {
    expect(assetName('1.23.0', 'linux', 'arm64')).toBe('docker-scout_1.23.0_linux_arm64.tar.gz')
    expect(assetName('1.23.0', 'win32', 'x64')).toBe('docker-scout_1.23.0_windows_amd64.zip')
    expect(() => assetName('1.23.0', 'aix', 'ppc64')).toThrow('no Docker Scout CLI release for aix/ppc64')
  })
})
