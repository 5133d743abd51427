// Bundles the action and the CLI into one ESM bundle, dist/index.js, with esbuild: minified, with
// source maps (without the sources), heavy clients (Neo4j driver, AWS SDK, artifact and tool-cache
// clients, Octokit, the code-page tables) in chunks of their own that load only when used, and undici
// evaluated only when a proxy agent is made. Then writes dist/licenses.txt from the
// build's own list of bundled files: every bundled package's licence, with its text.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const dist = path.join(root, 'dist')
rmSync(dist, { recursive: true, force: true })
/**
 * The on-demand shims (scripts/shims/): `@actions/http-client` as @actions/core imports it (for OIDC alone),
 * and `undici` as @actions/http-client imports it (for its ProxyAgent alone).
 */
const undiciOnDemand = {
  name: 'undici-on-demand',
  setup(builder) {
    builder.onResolve({ filter: /^@actions\/http-client$/ }, (args) =>
      args.importer.includes(`${path.sep}@actions${path.sep}core${path.sep}`)
        ? { path: path.join(root, 'scripts', 'shims', 'http-client-on-demand.mjs') }
        : undefined
    )
    builder.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.includes(`${path.sep}@actions${path.sep}http-client${path.sep}`)
        ? { path: path.join(root, 'scripts', 'shims', 'undici-on-demand.cjs') }
        : undefined
    )
  }
}

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  splitting: true,
  outdir: 'dist',
  minify: true,
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  metafile: true,
  // Paths as the checkout names them, so a node_modules that is a link builds the same bundle.
  preserveSymlinks: true,
  logLevel: 'warning',
  plugins: [undiciOnDemand],
  // CommonJS dependencies call require() for Node built-ins; ESM output has none of its own.
  banner: { js: "import { createRequire as __sgRequire } from 'node:module'; const require = __sgRequire(import.meta.url);" }
})

/** `node_modules/@scope/name/…` → its package folder (the innermost node_modules wins). */
const packageDirs = new Set()
for (const input of Object.keys(result.metafile.inputs)) {
  const at = input.lastIndexOf('node_modules/')
  if (at < 0) continue
  const parts = input.slice(at + 'node_modules/'.length).split('/')
  packageDirs.add(input.slice(0, at) + 'node_modules/' + parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join('/'))
}
const sections = new Map()
const unstated = []
for (const dir of packageDirs) {
  const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8'))
  const license = manifest.license ?? manifest.licenses?.map((entry) => entry.type ?? entry).join(' OR ')
  const file = readdirSync(path.join(root, dir)).find((name) => /^(licen[cs]e|copying)(\.|-|$)/i.test(name))
  const text = file ? readFileSync(path.join(root, dir, file), 'utf8').trim() : undefined
  if (!license && !text) unstated.push(`${manifest.name}@${manifest.version}`)
  const body = text ?? (license ? `(no licence file in the package; its package.json says ${license})` : '(the package states no licence)')
  sections.set(`${manifest.name}@${manifest.version}`, `${manifest.name}@${manifest.version}\n${license ?? 'UNSTATED'}\n${body}`)
}
writeFileSync(
  path.join(dist, 'licenses.txt'),
  `${[...sections.keys()]
    .sort()
    .map((id) => sections.get(id))
    .join('\n\n')}\n`
)
// Named so a new one is noticed: buffers@0.1.1 (under @actions/artifact) states none.
if (unstated.length > 0) console.warn(`licenses: no licence stated by ${unstated.sort().join(', ')}`)
const files = readdirSync(dist).filter((name) => name.endsWith('.js'))
console.log(`dist/: ${files.length} file(s), ${sections.size} bundled package(s) in licenses.txt`)
