/** The command line run in-process from `src/`, its streams captured: what `npx scout-graph` prints, without a bundle. */
import { runCli } from '../../src/cli.js'
import { EMPTY_WORKSPACE, NO_HUB } from './helpers.js'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export async function cliInProcess(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const run = { code: 0, stdout: '', stderr: '' }
  run.code = await runCli(
    args,
    { stdout: (text) => void (run.stdout += text), stderr: (text) => void (run.stderr += text) },
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GITHUB_WORKSPACE: EMPTY_WORKSPACE,
      SCOUT_GRAPH_HUB_REGISTRY: NO_HUB,
      ...env
    }
  )
  return run
}
