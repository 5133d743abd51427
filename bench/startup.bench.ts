/**
 * Start-up: the committed action on one report, as the runner runs it (`node dist/index.js` with INPUT_*
 * and the runner's files), against bare `node -e 0`, as medians of 15 runs each. Goal: at most 100 ms over
 * bare Node. `npm run build` first.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

const root = path.join(import.meta.dirname, '..')
const temp = mkdtempSync(path.join(os.tmpdir(), 'sg-startup-'))
for (const file of ['output', 'summary.md']) writeFileSync(path.join(temp, file), '')
const env = {
  PATH: process.env.PATH,
  RUNNER_TEMP: temp,
  GITHUB_WORKSPACE: temp,
  GITHUB_OUTPUT: path.join(temp, 'output'),
  GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
  INPUT_REPORTS: path.join(root, '__tests__', 'fixtures', 'cartography-docker-scout', 'ecr-recommendation-report.txt'),
  'INPUT_FAIL-ON': 'none',
  'INPUT_UPLOAD-ARTIFACT': 'false'
}
const median = (args: string[]) => {
  const times = Array.from({ length: 15 }, () => {
    const start = performance.now()
    execFileSync(process.execPath, args, { env, stdio: 'ignore' })
    return performance.now() - start
  }).sort((a, b) => a - b)
  return times[7]
}
const bare = median(['-e', '0'])
const action = median([path.join(root, 'dist', 'index.js')])
console.log(
  `node ${process.version}: bare ${bare.toFixed(0)} ms, the action on one report ${action.toFixed(0)} ms: ${(action - bare).toFixed(0)} ms over bare Node (goal: 100)`
)
