/**
 * What people see, timed at 3 to 3,000 images made from the real fixtures: the job summary, the comment
 * (rendered again at its size), the dashboard body (with a comparison) and the SARIF log (every image
 * on a FROM line). Run with `npm run bench:publish`; prints figures, asserts nothing.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { COMMENT_MARKDOWN_LIMIT } from '../src/github/comment.js'
import { renderDashboard } from '../src/dashboard/render.js'
import { toEntry } from '../src/verdict/entry.js'
import type { RecommendationEntry } from '../src/types/entry.js'
import { buildSarif } from '../src/code-scanning/sarif.js'
import { renderSummary } from '../src/summary/summary.js'
import { parseReport } from '../src/report/parse.js'
import { loadConsoleCodePages } from '../src/report/decode.js'

// Windows captures are parsed synchronously here: their code-page tables first.
await loadConsoleCodePages()

const FIXTURES = path.join(import.meta.dirname, '..', '__tests__', 'fixtures')
const parsed = ['cartography-docker-scout', 'scout-recommendations'].flatMap((dir) =>
  readdirSync(path.join(FIXTURES, dir))
    .filter((name) => name.endsWith('.txt'))
    .map((name) => parseReport(readFileSync(path.join(FIXTURES, dir, name))))
)

function time(work: () => unknown): number {
  const start = performance.now()
  work()
  return performance.now() - start
}

console.log('images  summary ms  comment ms  dashboard ms  sarif ms  summary bytes  comment chars')
for (const count of [3, 60, 300, 3000]) {
  const entries: RecommendationEntry[] = Array.from({ length: count }, (_, i) =>
    toEntry({ image: `registry.example.test/team-${i % 31}/service-${i}:1.${i}`, source: `r${i}.txt`, parsed: parsed[i % parsed.length] })
  )
  const located = new Map(entries.map((entry, i) => [entry, [{ path: `services/${i}/Dockerfile`, line: 1 + (i % 9), stage: '#0' }]]))
  let summary = ''
  let comment = ''
  const summaryMs = time(() => (summary = renderSummary(entries, { runUrl: 'https://github.com/o/r/actions/runs/1' })))
  const commentMs = time(() => (comment = renderSummary(entries, { limit: COMMENT_MARKDOWN_LIMIT, medium: 'comment' })))
  const previous = renderDashboard(entries.slice(1), undefined, { marker: '<!-- m -->', at: new Date(0) })
  const dashboardMs = time(() => renderDashboard(entries, previous, { marker: '<!-- m -->', at: new Date() }))
  const sarifMs = time(() => buildSarif(located))
  console.log(
    [String(count), ...[summaryMs, commentMs, dashboardMs, sarifMs].map((value) => value.toFixed(1))].join('  '),
    ` ${Buffer.byteLength(summary)}  ${comment.length}`
  )
}
