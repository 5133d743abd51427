import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const FIXTURES = path.join(ROOT, '__tests__', 'fixtures')
/** The tests' own `docker`, playing Docker Scout: put it first on PATH. */
export const FAKE_DOCKER = path.join(ROOT, '__tests__', 'kit', 'fake-docker')
export const CARTOGRAPHY = path.join(FIXTURES, 'cartography-docker-scout')
export const WILD = path.join(FIXTURES, 'scout-recommendations')

export function fixture(dir: string, name: string): Buffer {
  return readFileSync(path.join(dir, name))
}

/** Every fixture file (not the SOURCE.md/expected.md notes). */
export function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.md'))
    .sort()
}

/** Reads a `GITHUB_OUTPUT` file as the runner does (`name<<DELIMITER … DELIMITER`). */
export function readGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i])
    outputs[match[1]] = value.join('\n')
  }
  return outputs
}

const run = promisify(execFile)

export interface Finished {
  code: number
  stdout: string
  stderr: string
}

export async function finished(command: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Finished> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

/**
 * The committed action (dist/) in a runner's environment: INPUT_* (hyphens kept), GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, RUNNER_TEMP, GITHUB_WORKSPACE; `cwd` is the workspace a runner starts it in,
 * for a test that keeps one from run to run.
 */
export async function runAction(inputs: Record<string, string>, extraEnv: NodeJS.ProcessEnv = {}, cwd = ROOT) {
  const temp = await mkdtemp(path.join(os.tmpdir(), 'sg-runner-'))
  const files = { output: path.join(temp, 'output'), summary: path.join(temp, 'summary.md') }
  await writeFile(files.output, '')
  await writeFile(files.summary, '')
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    RUNNER_TEMP: temp,
    // The runner's checkout: empty unless a test puts Dockerfiles there (not this repository, whose
    // .cache the `auto` walk would read).
    GITHUB_WORKSPACE: temp,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    SCOUT_GRAPH_HUB_REGISTRY: NO_HUB,
    ...extraEnv
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const result = await finished(process.execPath, [path.join(ROOT, 'dist', 'index.js')], env, cwd)
  return {
    ...result,
    temp,
    outputs: readGithubOutput(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8')
  }
}

export interface ProjectWorkflow {
  name: string
  text: string
  /** The file it is in; undefined for a workflow shown in the README. */
  file?: string
}

/** Every workflow of the project: its own, the examples, and the README's (its YAML blocks with `jobs:`), as users copy them. */
export async function projectWorkflows(): Promise<ProjectWorkflow[]> {
  const found: ProjectWorkflow[] = []
  for (const dir of ['.github/workflows', 'examples/workflows']) {
    for (const name of readdirSync(path.join(ROOT, dir)).sort()) {
      const file = path.join(ROOT, dir, name)
      found.push({ name: `${dir}/${name}`, text: await readFile(file, 'utf8'), file })
    }
  }
  const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8')
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]).filter((text) => /^jobs:/m.test(text))
  return [...found, ...blocks.map((text, index) => ({ name: `README.md workflow ${index + 1}`, text }))]
}

/** Every file under a folder, as text (latin1, so any byte compares). */
export async function filesUnder(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files = new Map<string, string>()
  for (const entry of entries) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name)
      files.set(file, await readFile(file, 'latin1'))
    }
  }
  return files
}

/**
 * An empty checkout for runs off a runner: without it the workspace is this repository, whose `.cache`
 * (170,000 entries once provisioned) the `dockerfiles: auto` walk would read on every run.
 */
/** Tests never reach Docker Hub: its digests are looked up at a closed loopback port (refused at once). */
export const NO_HUB = '127.0.0.1:9'

export const EMPTY_WORKSPACE = mkdtempSync(path.join(os.tmpdir(), 'sg-workspace-'))

/** A settings context that takes report patterns as the files they name, in an empty workspace, at a fixed time. */
export const AS_GIVEN = {
  env: { GITHUB_WORKSPACE: EMPTY_WORKSPACE },
  matchReports: async (patterns: string[]) => patterns,
  now: () => 1_700_000_000_000
}
