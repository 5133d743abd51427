/** The GitHub Action front end: inputs from the runner, logs, outputs and summary through @actions/core. */
import * as core from '@actions/core'
import type { Host } from './host.js'
import { INPUTS, type RawInputs } from './inputs.js'
import { errorLine, redact } from './messages.js'
import { runPipeline } from './pipeline.js'
import { matchReportFiles } from './report/files.js'
import { buildSettings } from './settings/index.js'

const actionHost: Host = {
  info: (message) => core.info(redact(message)),
  warning: (message, place) => core.warning(redact(message), place),
  notice: (message) => core.notice(redact(message)),
  debug: (message) => core.debug(redact(message)),
  group: (name, work) => core.group(name, work),
  setOutput: (name, value) => core.setOutput(name, value),
  setSecret: (value) => core.setSecret(value),
  writeSummary: async (markdown) => {
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
  }
}

function readInputs(): RawInputs {
  const raw: RawInputs = {}
  for (const spec of INPUTS) {
    const value = core.getInput(spec.name)
    raw[spec.name] = value
    if (spec.kind === 'secret' && value !== '') core.setSecret(value)
  }
  return raw
}

export async function run(): Promise<void> {
  try {
    const settings = await buildSettings(readInputs(), { env: process.env, matchReports: matchReportFiles, now: Date.now })
    const result = await runPipeline(settings, actionHost)
    const failures = [...result.errors, ...result.violations]
    if (failures.length > 0) core.setFailed(redact(failures.join('\n')))
  } catch (error) {
    if (error instanceof Error && error.stack) core.debug(redact(error.stack))
    core.setFailed(errorLine(error))
  }
}
