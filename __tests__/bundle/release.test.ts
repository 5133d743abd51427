/** The release script on a throwaway clone: it refuses what is not releasable, then tags and moves the major tag. */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { VERSION } from '../../src/version.js'
import { finished, ROOT } from '../kit/helpers.js'

const run = promisify(execFile)

describe('the version', () => {
  it('is one: package.json, the graph’s _module_version and the CLI’s --version', async () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version).toBe(VERSION)
    const cli = await finished(process.execPath, [path.join(ROOT, 'bin', 'scout-graph.js'), '--version'], process.env)
    expect(cli.code).toBe(0)
    expect(cli.stdout).toBe(`${VERSION}\n`)
  })
})

describe('scripts/release.mjs', () => {
  it('refuses a stale dist/ or an unbumped version, then tags vX.Y.Z and moves vX', async () => {
    const clone = path.join(await mkdtemp(path.join(os.tmpdir(), 'sg-release-')), 'repo')
    await run('git', ['clone', '-q', ROOT, clone])
    // The build needs esbuild: borrow this checkout's node_modules (a link, kept out of git's view).
    await symlink(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'))
    await writeFile(path.join(clone, '.git', 'info', 'exclude'), 'node_modules\n')
    const git = (...args: string[]) => run('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', ...args], { cwd: clone })
    const release = (...args: string[]) => finished(process.execPath, ['scripts/release.mjs', ...args], process.env, clone)
    const bump = async (version: string) => {
      const packageJson = path.join(clone, 'package.json')
      await writeFile(packageJson, (await readFile(packageJson, 'utf8')).replace(/"version": "[^"]+"/, `"version": "${version}"`))
      const versionTs = path.join(clone, 'src', 'version.ts')
      await writeFile(versionTs, (await readFile(versionTs, 'utf8')).replace(/VERSION = '[^']+'/, `VERSION = '${version}'`))
      const changelog = path.join(clone, 'CHANGELOG.md')
      await writeFile(changelog, (await readFile(changelog, 'utf8')).replace('## Unreleased', `## Unreleased\n\n## ${version}`))
      // The version is in the bundle: a release commit carries its rebuilt dist/.
      await run(process.execPath, ['scripts/build.mjs'], { cwd: clone })
      await git('add', '-A')
      await git('commit', '-qm', `release ${version}`)
    }
    await git('tag', '-a', `v${VERSION}`, '-m', 'earlier')

    expect((await release(VERSION)).stderr).toContain(`is not newer than the latest release, ${VERSION}`)
    expect((await release('9.9')).stderr).toContain('give the version as X.Y.Z')

    await bump('7.1.0')
    // A source change committed without rebuilding dist/.
    const cli = path.join(clone, 'src', 'cli.ts')
    await writeFile(cli, (await readFile(cli, 'utf8')).replace('print the version', 'print the version number'))
    await git('commit', '-qam', 'stale')
    const stale = await release('7.1.0')
    expect(stale.code, stale.stdout + stale.stderr).toBe(1)
    expect(stale.stderr).toContain('dist/ is stale')
    expect((await git('status', '--porcelain')).stdout).toBe('')

    await git('reset', '-q', '--hard', 'HEAD~1')
    const first = await release('7.1.0')
    expect(first.code, first.stderr).toBe(0)
    const head = (await git('rev-parse', 'HEAD')).stdout.trim()
    expect((await git('rev-list', '-n1', 'v7.1.0')).stdout.trim()).toBe(head)
    expect((await git('rev-list', '-n1', 'v7')).stdout.trim()).toBe(head)

    await bump('7.2.0')
    expect((await release('7.2.0')).code).toBe(0)
    const next = (await git('rev-parse', 'HEAD')).stdout.trim()
    expect((await git('rev-list', '-n1', 'v7')).stdout.trim()).toBe(next)
    expect((await git('rev-list', '-n1', 'v7.1.0')).stdout.trim()).toBe(head)
  })
})
