// Generates the docs that have a source of their own: the README's inputs and outputs tables from
// action.yml, and docs/graph.md's node and relationship tables from src/graph/schema.ts (as Cartography
// generates its schema page from its model), each between its markers. `--check` fails when a page
// differs from what it would write (npm test runs it), so they never drift. Run with tsx (`npm run docs`).
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import { IMAGE_LINK, NODES, RELATIONSHIPS } from '../src/graph/schema.ts'

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

const mode = (extended) => (extended ? 'extended' : 'both')
const propertyRows = (schema) =>
  schema.properties.map(
    (ref) => `| \`${ref.name}\` | ${cell(ref.description)} | ${cell(ref.from)} | ${mode(ref.extended || schema.extendedOnly)} |`
  )
const graph = [
  ...NODES.flatMap((node) => [
    `### \`${node.label}\` (${mode(node.extendedOnly)})`,
    '',
    cell(node.description),
    '',
    '| property | description | read from | graph-mode |',
    '| --- | --- | --- | --- |',
    ...propertyRows(node),
    ''
  ]),
  ...RELATIONSHIPS.flatMap((rel) => [
    `### \`(:${rel.from})-[:${rel.type}]->(:${rel.to})\` (${mode(rel.extendedOnly)})`,
    '',
    cell(rel.description),
    '',
    ...(rel.properties.length > 0
      ? ['| property | description | read from | graph-mode |', '| --- | --- | --- | --- |', ...propertyRows(rel), '']
      : [])
  ]),
  `### \`(:${IMAGE_LINK.fromLabel})-[:${IMAGE_LINK.type}]->(:${IMAGE_LINK.to})\` (both)`,
  '',
  `${cell(IMAGE_LINK.description)} Properties: ${Object.entries(IMAGE_LINK.properties)
    .map(([name, value]) => `\`${name}\` = \`${value}\``)
    .join(', ')}.`
]

/** The page with each marked block replaced by its rows. */
function generated(file, blocks) {
  const text = readFileSync(file, 'utf8')
  const replaced = blocks.reduce((page, [marker, source, rows]) => {
    const start = `<!-- ${marker}:start (generated from ${source} by scripts/docs.mjs) -->`
    const end = `<!-- ${marker}:end -->`
    const from = page.indexOf(start)
    const to = page.indexOf(end)
    if (from < 0 || to < from) throw new Error(`${path.relative(root, file)} has no ${start} … ${end} block`)
    return `${page.slice(0, from + start.length)}\n${rows.join('\n')}\n${page.slice(to)}`
  }, text)
  return { file, text, replaced }
}

const pages = [
  generated(path.join(root, 'README.md'), [
    ['action-inputs', 'action.yml', inputs],
    ['action-outputs', 'action.yml', outputs]
  ]),
  generated(path.join(root, 'docs', 'graph.md'), [['graph-schema', 'src/graph/schema.ts', graph]])
]

const stale = pages.filter((page) => page.replaced !== page.text)
if (process.argv.includes('--check')) {
  for (const page of stale) console.error(`${path.relative(root, page.file)} differs from its sources: run \`npm run docs\` and commit it`)
  if (stale.length > 0) process.exit(1)
} else {
  for (const page of stale) writeFileSync(page.file, page.replaced)
}
