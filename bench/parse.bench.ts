/**
 * Parser throughput: 10,000 reports made by varying the real fixtures, then a megabyte of each kind
 * of hostile input, each through parse, graph and summary. Run with `npm run bench`; prints figures
 * (ms/MB against the goal), asserts nothing.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildDelta } from '../src/graph/delta.js'
import { toEntry } from '../src/verdict/entry.js'
import { renderSummary } from '../src/summary/summary.js'
import { parseReport } from '../src/report/parse.js'
import { loadConsoleCodePages } from '../src/report/decode.js'

// Windows captures are parsed synchronously here: their code-page tables first.
await loadConsoleCodePages()

const FIXTURES = path.join(import.meta.dirname, '..', '__tests__', 'fixtures')
const REPORTS = 10_000

const seeds = ['cartography-docker-scout', 'scout-recommendations']
  .flatMap((dir) =>
    readdirSync(path.join(FIXTURES, dir))
      .filter((name) => name.endsWith('.txt'))
      .map((name) => readFileSync(path.join(FIXTURES, dir, name), 'utf8'))
  )
  .filter((text) => parseReport(text).status === 'report')

/** Varies a real report: other target, digest, counts and tags, CRLF or not. */
function variant(seed: string, i: number): Buffer {
  let text = seed
    .replace(/(Target\s+│\s+)\S+/, `$1registry.example.test/team${i % 97}/app${i}:1.${i % 13}`)
    .replace(/(digest\s+│\s+)\S+/, `$1${(i * 2654435761).toString(16).padStart(12, '0').slice(-12)}`)
    .replace(/(\d+)H/g, (_, n: string) => `${(Number(n) + i) % 40}H`)
    .replace(/slim/g, i % 3 === 0 ? 'slim' : `slim${i % 5}`)
  if (i % 4 === 0) text = text.replaceAll('\n', '\r\n')
  return Buffer.from(text)
}

const corpus = Array.from({ length: REPORTS }, (_, i) => variant(seeds[i % seeds.length], i))
const bytes = corpus.reduce((sum, report) => sum + report.byteLength, 0)
for (const report of corpus.slice(0, 500)) parseReport(report) // warm up

const start = performance.now()
let parsed = 0
for (const report of corpus) if (parseReport(report).status === 'report') parsed++
const seconds = (performance.now() - start) / 1000
console.log(`corpus: ${REPORTS} reports, ${(bytes / 1e6).toFixed(1)} MB, ${parsed} parsed as reports`)
console.log(`throughput: ${Math.round(REPORTS / seconds)} reports/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s (one core)`)

const MB = 1 << 20
const ecr = readFileSync(path.join(FIXTURES, 'cartography-docker-scout', 'ecr-recommendation-report.txt'), 'utf8')
const [ecrHead, ecrChange] = [ecr.slice(0, ecr.indexOf('Change base image')), ecr.slice(ecr.indexOf('Change base image'))]
const ecrRecord = ecrChange.slice(ecrChange.indexOf('   slim '))
/** A report whose Change table holds `size` bytes of records with distinct tags. */
const deepTable = (size: number) => {
  const records = Array.from({ length: Math.ceil(size / ecrRecord.length) }, (_, i) => ecrRecord.replace('slim ', `t${i}-slim `))
  return `${ecrHead}Change base image\n${records.join('')}`
}
/** One record's rows repeated, as a terminal redraw gone wild would. */
const repeatedRows = (size: number) => {
  const rows = ecrRecord.split('\n').slice(1, 6).join('\n')
  return `${ecrHead}Change base image\n${ecrRecord}${`${rows}\n`.repeat(Math.ceil(size / rows.length))}`
}
const hostile: Record<string, string> = {
  'padding after Target': `  Target   │ ${' '.repeat(MB)}`,
  'open backticks in the tags note': `Base image is a:b\n${'  │ supported tag(s) `'.repeat(MB / 21)}`,
  'a million Benefits rows': `Base image is a:b\nChange base image\n${'x │ Benefits: │ │ 1C\n'.repeat(MB / 20)}`,
  'one huge count': `Base image is a:b\n  Vulnerabilities │ ${'9'.repeat(MB)}C`,
  'blank lines': '\n'.repeat(MB),
  'bars only': '│'.repeat(MB / 3),
  'random bytes': Buffer.from(Array.from({ length: MB }, (_, i) => (i * 7919) % 256)).toString('latin1'),
  'a fixture repeated to 1 MB': seeds[0].repeat(Math.ceil(MB / seeds[0].length)),
  'giant base name, 1 MB': ecr.replace('Base image is  node:25-alpine', `Base image is  ${'a:'.repeat(MB / 2)}a`),
  'giant base name, 4 MB': ecr.replace('Base image is  node:25-alpine', `Base image is  ${'a:'.repeat(2 * MB)}a`),
  'deep table, 1 MB': deepTable(MB),
  'deep table, 4 MB': deepTable(4 * MB),
  'repeated rows, 1 MB': repeatedRows(MB),
  'repeated rows, 4 MB': repeatedRows(4 * MB)
}
// The whole in-process path a report takes: parse, the graph, the summary.
const GOAL_MS_PER_MB = 50
for (const [name, text] of Object.entries(hostile)) {
  const bytes = Buffer.from(text)
  const t0 = performance.now()
  const parsed = parseReport(bytes)
  const entry = toEntry({ source: 'hostile.txt', parsed })
  buildDelta([{ source: 'hostile.txt', parsed }], 'extended', 1)
  renderSummary([entry])
  const ms = performance.now() - t0
  const perMb = ms / (bytes.byteLength / MB)
  console.log(
    `hostile: ${name.padEnd(34)} ${(bytes.byteLength / MB).toFixed(2)} MB in ${ms.toFixed(1)} ms (${perMb.toFixed(1)} ms/MB, ${perMb <= GOAL_MS_PER_MB ? 'meets' : 'MISSES'} ≤${GOAL_MS_PER_MB}) → ${parsed.status}`
  )
}
