/**
 * The runner tier: the committed action run by a real runner implementation, nektos/act in host mode
 * (`-P ubuntu-latest=-self-hosted`), on Node 24 (the npm package's binary first on PATH), with act's
 * artifact server behind the fixing proxy. Each run gets a fresh git repository holding the action as
 * committed (action.yml, package.json, dist/) plus the files a test adds; `uses: ./` follows an
 * `actions/checkout` step, which act replaces by a copy of that repository.
 */
import { execFile } from 'node:child_process'
import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { FAKE_DOCKER, ROOT } from '../helpers.js'
import { startArtifactProxy } from './artifact-proxy.js'
import { freePort } from '../http.js'

export const ACT = path.join(ROOT, '.cache', 'bin', 'act')
export const NODE24_BIN = path.join(ROOT, '.cache', 'node24', 'bin')

export interface WorkflowOptions {
  workflow: string
  event?: 'push' | 'pull_request'
  payload?: object
  /** Files to add to the repository, by relative path. */
  files?: Record<string, string | Buffer>
  /** Variables for every step (act's --env). */
  env?: Record<string, string>
  secrets?: Record<string, string>
  /** The GitHub API the action's node process talks to (the local stand-in). */
  githubApiUrl?: string
  /** Run this job of the workflow only. */
  job?: string
  /** Where act's cache server keeps its entries: a folder shared by the runs of one test, else one of this run's own. */
  cacheServerPath?: string
}

export interface WorkflowRun {
  code: number
  log: string
  /** Where act's artifact server keeps what was uploaded: `<run id>/<name>/<name>.zip`. */
  artifacts: string
  requests: string[]
  /** The fake Scout's state folder of this run (its calls, its indexings). */
  dockerState: string
}

export async function runWorkflow(options: WorkflowOptions): Promise<WorkflowRun> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sg-act-'))
  const repo = path.join(root, 'repo')
  await mkdir(path.join(repo, '.github', 'workflows'), { recursive: true })
  for (const name of ['action.yml', 'package.json', 'dist']) await cp(path.join(ROOT, name), path.join(repo, name), { recursive: true })
  for (const [name, content] of Object.entries(options.files ?? {})) {
    await mkdir(path.dirname(path.join(repo, name)), { recursive: true })
    await writeFile(path.join(repo, name), content)
  }
  await writeFile(path.join(repo, '.github', 'workflows', 'test.yml'), options.workflow)
  const git = (...args: string[]) =>
    promisify(execFile)('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], { cwd: repo })
  await git('init', '-q', '-b', 'main')
  await git('add', '-A')
  await git('commit', '-qm', 'test')
  // act names the repository after its remote: o/r, as the API stand-in serves.
  await git('remote', 'add', 'origin', 'https://github.com/o/r.git')

  const event = options.event ?? 'push'
  const eventFile = path.join(root, 'event.json')
  await writeFile(eventFile, JSON.stringify(options.payload ?? {}))
  const artifacts = path.join(root, 'artifacts')
  const actPort = await freePort()
  const proxy = await startArtifactProxy(actPort)
  // act sets ACTIONS_RESULTS_URL and GITHUB_API_URL for an action after the workflow's own env, so a
  // workflow cannot point them at the local peers: a preload in the runner's node does, and only that.
  const preload = path.join(root, 'local-peers.cjs')
  const peers = { ACTIONS_RESULTS_URL: proxy.url, ...(options.githubApiUrl ? { GITHUB_API_URL: options.githubApiUrl } : {}) }
  await writeFile(
    preload,
    Object.entries(peers)
      .map(([name, url]) => `if (process.env.${name}) process.env.${name} = ${JSON.stringify(url)}\n`)
      .join('')
  )
  const env = { NODE_OPTIONS: `--require ${preload}`, DOCKER_SCOUT_FAKE_STATE: path.join(root, 'docker-state'), ...options.env }
  await mkdir(env.DOCKER_SCOUT_FAKE_STATE, { recursive: true })
  const args = [
    event,
    '-W',
    '.github/workflows/test.yml',
    ...(options.job ? ['-j', options.job] : []),
    '-e',
    eventFile,
    '-P',
    'ubuntu-latest=-self-hosted',
    '--artifact-server-path',
    artifacts,
    '--artifact-server-addr',
    '127.0.0.1',
    '--artifact-server-port',
    String(actPort),
    // act's cache server (the older protocol, ACTIONS_CACHE_URL), on loopback and apart from other tests' runs.
    '--cache-server-addr',
    '127.0.0.1',
    '--cache-server-path',
    options.cacheServerPath ?? path.join(root, 'actcache'),
    ...Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]),
    ...Object.entries({ GITHUB_TOKEN: 'ghs_actTestToken0451', ...options.secrets }).flatMap(([name, value]) => ['-s', `${name}=${value}`])
  ]
  try {
    const { code, log } = await new Promise<{ code: number; log: string }>((resolve) => {
      execFile(
        ACT,
        args,
        {
          cwd: repo,
          env: { ...process.env, PATH: [NODE24_BIN, FAKE_DOCKER, process.env.PATH].join(path.delimiter), HOME: process.env.HOME },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 240_000
        },
        (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, log: `${stdout}${stderr}` })
      )
    })
    return { code, log, artifacts, requests: proxy.requests, dockerState: env.DOCKER_SCOUT_FAKE_STATE }
  } finally {
    await proxy.close()
  }
}
