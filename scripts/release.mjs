// Tags a release: `node scripts/release.mjs 1.2.0 [--push]`. It refuses, saying why, unless
//   - the version is X.Y.Z and greater than the latest vX.Y.Z tag;
//   - package.json, src/version.ts (what the graph writes as _module_version) and CHANGELOG.md name it;
//   - the working tree is clean and dist/ is what a fresh build gives.
// Then it tags vX.Y.Z and moves the major tag vX to it (with --push, pushes both to origin).
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'

const root = process.cwd()
const [version, ...flags] = process.argv.slice(2)
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim()
const refuse = (why) => {
  console.error(`release: ${why}`)
  process.exit(1)
}
const parts = (text) => text.split('.').map(Number)
const newer = (a, b) => {
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i]
  return false
}

if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) refuse('give the version as X.Y.Z, like 1.2.0')
const latest = git('tag', '--list', 'v*.*.*')
  .split('\n')
  .filter((tag) => /^v\d+\.\d+\.\d+$/.test(tag))
  .map((tag) => tag.slice(1))
  .sort((a, b) => (newer(a, b) ? 1 : newer(b, a) ? -1 : 0))
  .at(-1)
if (latest && !newer(version, latest)) refuse(`${version} is not newer than the latest release, ${latest}: bump the version`)
const packageVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version
if (packageVersion !== version) refuse(`package.json says ${packageVersion}, not ${version}`)
const moduleVersion = /VERSION = '([^']+)'/.exec(readFileSync(path.join(root, 'src', 'version.ts'), 'utf8'))?.[1]
if (moduleVersion !== version) refuse(`src/version.ts says ${moduleVersion}, not ${version}`)
if (!readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8').includes(`\n## ${version}`))
  refuse(`CHANGELOG.md has no "## ${version}" section`)
if (git('status', '--porcelain') !== '') refuse('the working tree has uncommitted changes')
execFileSync('node', ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' })
if (git('status', '--porcelain', '--', 'dist') !== '') {
  git('checkout', '--', 'dist')
  git('clean', '-fdq', '--', 'dist')
  refuse("dist/ is stale: run 'npm run build' and commit dist/")
}

const major = `v${version.split('.')[0]}`
git('tag', '-a', `v${version}`, '-m', `v${version}`)
git('tag', '-fa', major, '-m', `${major} (v${version})`)
console.log(`release: tagged v${version} and moved ${major} to ${git('rev-parse', '--short', 'HEAD')}`)
if (flags.includes('--push')) {
  git('push', 'origin', `v${version}`)
  git('push', '--force', 'origin', major)
  console.log(`release: pushed v${version} and ${major}`)
}
