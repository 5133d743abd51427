// Lists the imports that point up the pipeline: a module may import only from its own layer or an
// earlier one, and a product only from the verdict and the layers below (not from another product).
// Static and dynamic imports both count. Prints each violation and their count; exits 1 when there is
// any (npm test runs it).
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'src')
const LAYERS = [
  ['types/', 'util/', 'messages.ts', 'host.ts', 'inputs.ts', 'version.ts', 'ledger.ts'],
  ['settings/', 'matrix/', 'github/', 'registry/'],
  ['scan/'],
  ['report/'],
  ['collect/', 'moves/'],
  ['dockerfile/'],
  ['graph/'],
  ['sinks/'],
  ['verdict/'],
  ['summary/', 'code-scanning/', 'outputs/', 'dashboard/', 'fix/'],
  ['stages/'],
  ['pipeline.ts'],
  ['action.ts', 'cli.ts', 'index.ts']
]
// The products share the verdict below them and import one another not at all, but for the one stated
// exception: the dashboard's body is composed of the summary.
const PRODUCTS = ['summary/', 'code-scanning/', 'outputs/', 'dashboard/', 'fix/']
const PRODUCT_IMPORTS_ALLOWED = new Set(['dashboard/ summary/'])
const productOf = (file) => PRODUCTS.find((prefix) => file.startsWith(prefix))
const layerOf = (file) => LAYERS.findIndex((prefixes) => prefixes.some((prefix) => file === prefix || file.startsWith(prefix)))

const files = readdirSync(root, { recursive: true }).filter((file) => file.endsWith('.ts'))
const violations = []
for (const file of files) {
  const own = layerOf(file)
  if (own < 0) violations.push(`${file}: in no layer`)
  const text = readFileSync(path.join(root, file), 'utf8')
  for (const [, target] of text.matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)'/g)) {
    const imported = path.relative(root, path.resolve(root, path.dirname(file), target)).replace(/\.js$/, '.ts')
    if (layerOf(imported) > own) violations.push(`${file} imports ${imported}, a later stage`)
    const [from, to] = [productOf(file), productOf(imported)]
    if (from && to && from !== to && !PRODUCT_IMPORTS_ALLOWED.has(`${from} ${to}`))
      violations.push(`${file} imports ${imported}, another product`)
    // The settings builder's parts are for the builder alone: everyone else takes types/settings.ts.
    if (imported.startsWith('settings/') && !file.startsWith('settings/') && imported !== 'settings/index.ts') {
      violations.push(`${file} imports ${imported}, the settings builder's internals`)
    }
  }
}
for (const line of violations) console.log(line)
console.log(`${violations.length} import(s) from a later stage, another product or the settings builder's internals`)
process.exit(violations.length > 0 ? 1 : 0)
