/**
 * The fix pull requests against the GitHub API stand-in, for 1, 10 and 100 bases: API calls per run (and
 * how many are writes) for the first run (every pull request opened), a re-run with the same results
 * (nothing to write) and a run with a new move for each base; and the time of the fix stage. GitHub's
 * spacing of writes is off here (it is what a real run waits: 1 s per write, 3 s per notification).
 * Run with `npm run bench:fix`; prints figures, asserts nothing.
 */
import { performance } from 'node:perf_hooks'
import { planFixes } from '../src/fix/plan.js'
import { FIX_TEXTS } from '../src/fix/texts.js'
import { publishFixPrs } from '../src/github/fix-prs.js'
import type { Located } from '../src/types/entry.js'
import { withBestMove } from '../src/verdict/rank.js'
import { outdatedEntry } from '../__tests__/kit/entries.js'
import { quietHost } from '../__tests__/kit/host.js'
import { FAST_GITHUB, startGithubApi } from '../__tests__/kit/services/github-api.js'
import { gitRepo } from '../__tests__/kit/services/github-git.js'

const api = await startGithubApi()
const github = { apiUrl: api.url, serverUrl: 'https://github.com', repository: 'o/r', runId: '1', artifactService: false }

async function plans(count: number, minor: number) {
  const files: Record<string, string> = {}
  const located: Located = new Map()
  for (let i = 0; i < count; i++) {
    const path = `services/s${i}/Dockerfile`
    files[path] = `FROM registry.example.test/base-${i}:1.0 AS app\nRUN make\n`
    const entry = withBestMove(
      outdatedEntry(`app-${i}`, `registry.example.test/base-${i}:1.0`, [0, 1, 0, 0], [{ tag: `1.${minor}`, counts: [0, 0, 0, 0] }])
    )
    located.set(entry, [{ path, line: 1, stage: '#0' }])
  }
  return { files, plans: (await planFixes([...located.keys()], located, async (path) => files[path])).plans }
}

console.log('bases  run        calls  writes  ms')
for (const count of [1, 10, 100]) {
  const first = await plans(count, 1)
  api.reset()
  api.git = gitRepo(first.files)
  for (const [label, minor] of [
    ['first', 1],
    ['again', 1],
    ['new move', 2]
  ] as const) {
    const { plans: planned } = await plans(count, minor)
    api.calls.length = 0
    const target = {
      token: 't',
      github,
      repository: 'o/r',
      labels: ['dependencies'],
      limit: 1000,
      recommended: new Set(planned.map((p) => p.base)),
      mayClose: true
    }
    const start = performance.now()
    await publishFixPrs(planned, target, FIX_TEXTS, quietHost(), FAST_GITHUB)
    const ms = performance.now() - start
    const writes = api.calls.filter((call) => call.method !== 'GET').length
    console.log(
      `${String(count).padStart(5)}  ${label.padEnd(9)}  ${String(api.calls.length).padStart(5)}  ${String(writes).padStart(6)}  ${ms.toFixed(0).padStart(5)}`
    )
  }
}
await api.close()
