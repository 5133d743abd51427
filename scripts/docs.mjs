// Generates the README's inputs and outputs tables from action.yml (the one place they are described),
// between <!-- action-inputs --> / <!-- action-outputs --> markers. `--check` fails when the README
// differs from what it would write (npm test runs it), so the two never drift.
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8'))
const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replaceAll('|', '\\|').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
const code = (text) => (text === undefined || text === '' ? '' : `\`${text}\``)

const inputs = [
  '| input | default | description |',
  '| --- | --- | --- |',
  ...Object.entries(action.inputs).map(([name, spec]) => `| \`${name}\` | ${code(spec.default)} | ${cell(spec.description)} |`)
]
const outputs = [
  '| output | description |',
  '| --- | --- |',
  ...Object.entries(action.outputs).map(([name, spec]) => `| \`${name}\` | ${cell(spec.description)} |`)
]

const readmePath = path.join(root, 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const replaced = [
  ['action-inputs', inputs],
  ['action-outputs', outputs]
].reduce((text, [marker, rows]) => {
  const start = `<!-- ${marker}:start (generated from action.yml by scripts/docs.mjs) -->`
  const end = `<!-- ${marker}:end -->`
  const from = text.indexOf(start)
  const to = text.indexOf(end)
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`)
  return `${text.slice(0, from + start.length)}\n${rows.join('\n')}\n${text.slice(to)}`
}, readme)

if (process.argv.includes('--check')) {
  if (replaced !== readme) {
    console.error('README.md inputs/outputs differ from action.yml: run `npm run docs` and commit README.md')
    process.exit(1)
  }
} else {
  writeFileSync(readmePath, replaced)
}
