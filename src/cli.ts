/**
 * The command-line front end, `scout-graph`: every action input is a flag of the same name. Stdout
 * carries only the result (a table, or JSON with --json); logs go to stderr.
 * Exit codes: 0 passed, 1 a `fail-on` rule was hit (or the run failed), 2 bad usage or bad input.
 */
import { writeFile, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { Host } from './host.js'
import { INPUTS, type RawInputs } from './inputs.js'
import { errorLine, redact } from './messages.js'
import { runPipeline, type RunResult } from './pipeline.js'
import { renderTable } from './summary/table.js'
import { VERSION } from './version.js'
import { matchReportFiles } from './report/files.js'
import { InputError, buildSettings } from './settings/index.js'

/** Flags of the CLI alone; every other flag is an action input. */
const CLI_FLAGS = ['json', 'summary-file', 'fix-patch', 'cache-dir', 'help', 'version']

/** What the CLI reads from its environment besides the inputs' own variables (listed from INPUTS). */
const OTHER_ENVIRONMENT: [string, string][] = [
  ['SCOUT_GRAPH_RELEASES_URL', 'a mirror of the Scout CLI releases, used when docker scout is missing'],
  ['SCOUT_GRAPH_HUB_REGISTRY', "a mirror of Docker Hub's registry (host[:port]) for the digests of pinned FROM lines"],
  ['DOCKER_CONFIG', 'where the Scout CLI plugin is installed (cli-plugins/), as Docker reads it'],
  ['AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, …', "--s3-uri: the AWS SDK's default chain"],
  ['AWS_ENDPOINT_URL_S3', '--s3-uri: an S3-compatible endpoint'],
  ['AWS_S3_FORCE_PATH_STYLE', '--s3-uri: true for path-style addressing (MinIO, Ceph…)'],
  ['RUNNER_TEMP', 'the default --output-dir is $RUNNER_TEMP/scout-graph when set (./scout-graph otherwise)']
]

const USAGE = `Usage: scout-graph [--images a,b | --images-file FILE | --reports GLOB | --legs GLOB] [options]

Runs the scout-graph-action pipeline off GitHub. Every input of action.yml is a flag of the same
name (--neo4j-uri, --update-tag 5, --fail-on outdated, ...); booleans as --flag or --flag=false.

  --json                 print the recommendations JSON instead of the table
  --summary-file PATH    write the job-summary Markdown there
  --fix-patch PATH       write the fix patch (a unified diff git apply takes) there
  --cache-dir DIR        keep Scout's SBOM cache in DIR between runs (unchanged images are not indexed again)
  --help                 show this help
  --version              print the version

Environment (a flag, when given, wins):
${INPUTS.filter((spec) => spec.env)
  .map((spec) => `  ${(spec.env ?? []).join(', ').padEnd(31)} --${spec.name}`)
  .join('\n')}
${OTHER_ENVIRONMENT.map(([name, use]) => `  ${name}\n      ${use}`).join('\n')}

Exit codes: 0 passed, 1 a fail-on rule was hit or a sink failed, 2 bad usage or bad input.
`

export interface CliStreams {
  stdout: (text: string) => void
  stderr: (text: string) => void
}

// Bound before anything can replace it: the result goes here, and only the result.
const writeStdout = process.stdout.write.bind(process.stdout)
const processStreams: CliStreams = {
  stdout: (text) => writeStdout(text),
  stderr: (text) => process.stderr.write(text)
}

interface CommandLine {
  raw: RawInputs
  json: boolean
  help: boolean
  version: boolean
  summaryFile?: string
  fixPatch?: string
  cacheDir?: string
}

export async function runCli(argv: readonly string[], streams: CliStreams = processStreams, env = process.env): Promise<number> {
  let commandLine: CommandLine
  try {
    commandLine = parseCommandLine(argv, env)
  } catch (error) {
    streams.stderr(`scout-graph: ${errorLine(error)}\nTry 'scout-graph --help'.\n`)
    return 2
  }
  if (commandLine.help) {
    streams.stdout(USAGE)
    return 0
  }
  if (commandLine.version) {
    streams.stdout(`${VERSION}\n`)
    return 0
  }
  const host = cliHost(streams, commandLine.summaryFile)
  let result: RunResult
  try {
    result = await withToolkitOutputOn(streams.stderr, async () => {
      const settings = await buildSettings(commandLine.raw, { env, matchReports: matchReportFiles, now: Date.now })
      if (commandLine.summaryFile !== undefined) settings.summary = true
      if (commandLine.fixPatch !== undefined) settings.fixPatchFile = commandLine.fixPatch
      // A folder the user keeps is theirs: the Actions cache never empties or restores into it.
      if (commandLine.cacheDir !== undefined) {
        settings.scan.cacheDir = commandLine.cacheDir
        delete settings.scan.actionsCache
      }
      return runPipeline(settings, host)
    })
  } catch (error) {
    streams.stderr(`scout-graph: ${errorLine(error)}\n`)
    return error instanceof InputError ? 2 : 1
  }
  streams.stdout(commandLine.json ? `${JSON.stringify(result.entries, null, 2)}\n` : renderTable(result.entries))
  const failures = [...result.errors, ...result.violations]
  for (const failure of failures) streams.stderr(`scout-graph: ${redact(failure)}\n`)
  return failures.length > 0 ? 1 : 0
}

function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CommandLine {
  const booleans = new Set([...INPUTS.filter((spec) => spec.kind === 'boolean').map((spec) => spec.name), 'json', 'help', 'version'])
  // A bare boolean flag means true; `--flag=false` is passed through as it is.
  const args = argv.map((arg) => (arg.startsWith('--') && booleans.has(arg.slice(2)) ? `${arg}=true` : arg))
  const names = [...INPUTS.map((spec) => spec.name), ...CLI_FLAGS]
  const options = Object.fromEntries(names.map((name) => [name, { type: 'string' as const }]))
  const values = parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | undefined>
  const raw: RawInputs = {}
  for (const spec of INPUTS) {
    const fromEnv = spec.env?.map((name) => env[name]).find((value) => value !== undefined && value !== '')
    raw[spec.name] = values[spec.name] ?? fromEnv ?? ''
  }
  const flag = (name: string): boolean => values[name] !== undefined && values[name] !== 'false'
  const summaryFile = values['summary-file']
  const fixPatch = values['fix-patch']
  const cacheDir = values['cache-dir']
  return {
    raw,
    json: flag('json'),
    help: flag('help'),
    version: flag('version'),
    ...(summaryFile ? { summaryFile: path.resolve(summaryFile) } : {}),
    ...(fixPatch ? { fixPatch: path.resolve(fixPatch) } : {}),
    ...(cacheDir ? { cacheDir: path.resolve(cacheDir) } : {})
  }
}

function cliHost(streams: CliStreams, summaryFile: string | undefined): Host {
  return {
    info: (message) => streams.stderr(`${redact(message)}\n`),
    warning: (message) => streams.stderr(`warning: ${redact(message)}\n`),
    notice: (message) => streams.stderr(`notice: ${redact(message)}\n`),
    debug: () => undefined,
    group: async (name, work) => {
      streams.stderr(`== ${name}\n`)
      return work()
    },
    setOutput: () => undefined,
    setSecret: () => undefined,
    writeSummary: async (markdown) => {
      if (summaryFile === undefined) return
      await mkdir(path.dirname(summaryFile), { recursive: true })
      await writeFile(summaryFile, markdown)
    }
  }
}

/**
 * For the whole run, nothing but the result reaches stdout: the toolkit (@actions/glob, tool-cache)
 * writes `::debug::` lines there, noise off a runner; anything else it writes goes to stderr.
 */
async function withToolkitOutputOn<T>(stderr: (text: string) => void, work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (!String(chunk).startsWith('::debug::')) stderr(redact(String(chunk)))
    return true
  }) as typeof process.stdout.write
  try {
    return await work()
  } finally {
    process.stdout.write = write
  }
}
