/**
 * Makes sure `docker scout` runs. When it already does, it is used as it is. Otherwise the Scout CLI
 * plugin for this OS and architecture is downloaded from its GitHub release (once: the runner's tool
 * cache keeps it), checked against the release's checksums before anything runs it, and installed as
 * a Docker CLI plugin. With `cache`, the Actions cache keeps the checked CLI between runs (hosted runners
 * start with an empty tool cache), and a restored one that does not run is dropped for a fresh download.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { chmod, copyFile, mkdir, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Host } from '../host.js'
import { errorLine, redact, WordedError } from '../messages.js'
import type { ActionsCacheSettings, ScoutSource } from '../types/settings.js'
import { childEnvironment } from './child-env.js'
import { restoreScoutCli, saveScoutCli } from './keep.js'

/** The GitHub token goes to github.com only, never to a mirror. */
export function authorizationFor(url: string, githubToken: string | undefined): string | undefined {
  return githubToken && new URL(url).hostname === 'github.com' ? `token ${githubToken}` : undefined
}

/** Release asset names: `docker-scout_1.23.0_linux_amd64.tar.gz` (a `.zip` on Windows). */
export function assetName(version: string, platform: NodeJS.Platform, arch: string): string {
  const system = { linux: 'linux', darwin: 'darwin', win32: 'windows' }[platform as string]
  const machine = { x64: 'amd64', arm64: 'arm64' }[arch]
  if (!system || !machine) throw new WordedError(`no Docker Scout CLI release for ${platform}/${arch}`)
  return `docker-scout_${version}_${system}_${machine}.${system === 'windows' ? 'zip' : 'tar.gz'}`
}

export async function ensureScout(source: ScoutSource, host: Host, cache?: ActionsCacheSettings): Promise<void> {
  const present = await scoutVersion()
  if (present.ok) {
    host.info(`Using the installed docker scout (${present.output})`)
    return
  }
  host.info(`docker scout is not installed (${present.output}); installing Scout CLI ${source.version}`)
  // Off a runner (the CLI), give the tool cache the folders a runner would.
  process.env.RUNNER_TOOL_CACHE ||= path.join(os.homedir(), '.cache', 'scout-graph', 'tools')
  process.env.RUNNER_TEMP ||= os.tmpdir()
  const tc = await import('@actions/tool-cache')
  const versionFolder = path.join(process.env.RUNNER_TOOL_CACHE, 'docker-scout', source.version)

  let toolDir = tc.find('docker-scout', source.version, process.arch)
  let restored = false
  if (toolDir) host.info(`Found Scout CLI ${source.version} in the tool cache`)
  else if (cache && (await restoreScoutCli(versionFolder, source.version, host))) {
    toolDir = tc.find('docker-scout', source.version, process.arch)
    restored = toolDir !== ''
  }
  const fresh = async () => {
    const downloaded = await download(tc, source, host)
    if (cache) await saveScoutCli(versionFolder, source.version, cache, host)
    return downloaded
  }
  if (!toolDir) toolDir = await fresh()

  let installed = await installPlugin(toolDir)
  if (!installed.ok && restored) {
    host.warning(`cache: the restored Scout CLI ${source.version} does not run (${installed.output}); downloading it again`)
    await rm(versionFolder, { recursive: true, force: true })
    installed = await installPlugin(await fresh())
  }
  if (!installed.ok) throw new WordedError(`installed ${installed.plugin}, but "docker scout version" still fails: ${installed.output}`)
  host.info(`Installed docker scout (${installed.output})`)
}

/** Copies the CLI into Docker's plugins folder; whether `docker scout version` then runs. */
async function installPlugin(toolDir: string): Promise<{ ok: boolean; output: string; plugin: string }> {
  const binary = path.join(toolDir, process.platform === 'win32' ? 'docker-scout.exe' : 'docker-scout')
  const pluginDir = path.join(process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'cli-plugins')
  await mkdir(pluginDir, { recursive: true })
  const plugin = path.join(pluginDir, path.basename(binary))
  const copied = await copyFile(binary, plugin).then(
    () => undefined,
    (error: unknown) => errorLine(error)
  )
  if (copied !== undefined) return { ok: false, output: copied, plugin }
  await chmod(plugin, 0o755)
  return { ...(await scoutVersion()), plugin }
}

async function download(tc: typeof import('@actions/tool-cache'), source: ScoutSource, host: Host): Promise<string> {
  const asset = assetName(source.version, process.platform, process.arch)
  const base = `${source.releasesUrl.replace(/\/+$/, '')}/v${source.version}`
  const fetch = async (name: string): Promise<string> => {
    const url = `${base}/${name}`
    try {
      return await tc.downloadTool(url, undefined, authorizationFor(url, source.githubToken))
    } catch (error) {
      throw new WordedError(`cannot download ${url}: ${errorLine(error)}`)
    }
  }
  const checksums = await readFile(await fetch(`docker-scout_${source.version}_checksums.txt`), 'utf8')
  const expected = new RegExp(`^([0-9a-f]{64})\\s+\\*?${asset.replaceAll('.', '\\.')}$`, 'm').exec(checksums)?.[1]
  if (!expected) throw new WordedError(`the checksums of Scout CLI ${source.version} do not list ${asset}`)
  const archive = await fetch(asset)
  const actual = await sha256(archive)
  if (actual !== expected) {
    throw new WordedError(`checksum mismatch for ${asset}: expected ${expected}, got ${actual}; refusing to run it`)
  }
  host.info(`Downloaded ${asset} (sha256 ${actual}, as the release lists it)`)
  const extracted = asset.endsWith('.zip') ? await tc.extractZip(archive) : await tc.extractTar(archive)
  return tc.cacheDir(extracted, 'docker-scout', source.version, process.arch)
}

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
  })
}

/** `docker scout version`: whether it runs, and its version line (stdout only: stderr carries debug and progress lines). */
function scoutVersion(): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('docker', ['scout', 'version'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      env: childEnvironment(process.env)
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const lines = (text: string) =>
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
    child.on('error', (error) => resolve({ ok: false, output: `cannot run docker: ${error.message}` }))
    child.on('close', (code) => {
      const out = lines(stdout)
      if (code === 0) resolve({ ok: true, output: out.find((line) => /version/i.test(line)) ?? out[0] ?? 'version unknown' })
      else resolve({ ok: false, output: redact(lines(stderr).at(-1) ?? out.at(-1) ?? `exit ${code}`) })
    })
  })
}
