/**
 * The `auto` walk over a synthetic workspace (a monorepo's worth of folders, a Dockerfile in one folder of
 * fifty, a node_modules the walk skips), then parsing and matching what it found. Run with
 * `npm run bench:dockerfiles`; prints figures, asserts nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { findDockerfiles } from '../src/dockerfile/find.js'
import { recordingHost } from '../__tests__/kit/host.js'

const FILES_PER_FOLDER = 10

/** The workspace, and how many directory entries the walk reads in it (node_modules's own are skipped). */
async function workspace(folders: number): Promise<{ root: string; entries: number }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'sg-bench-walk-'))
  for (let i = 0; i < folders; i++) {
    const folder = path.join(root, `team-${i % 40}`, `service-${i}`, 'src')
    await mkdir(folder, { recursive: true })
    await Promise.all(Array.from({ length: FILES_PER_FOLDER }, (_, j) => writeFile(path.join(folder, `file-${j}.ts`), '')))
    if (i % 50 === 0)
      await writeFile(path.join(folder, '..', 'Dockerfile'), `ARG V=22\nFROM node:\${V}-alpine AS build\nFROM nginx:1-alpine\n`)
  }
  await mkdir(path.join(root, 'node_modules', 'skipped'), { recursive: true })
  const teams = Math.min(folders, 40)
  const dockerfiles = Math.ceil(folders / 50)
  // Per service: its folder, its src folder and the files; per team its folder; node_modules; Dockerfiles.
  return { root, entries: folders * (FILES_PER_FOLDER + 2) + teams + 1 + dockerfiles }
}

console.log('entries   Dockerfiles  walk + parse ms')
for (const folders of [1_000, 5_000, 15_000]) {
  const { root, entries } = await workspace(folders)
  const { host } = recordingHost()
  const start = performance.now()
  const index = await findDockerfiles({ auto: true, patterns: [], mapped: new Map(), root }, host)
  const elapsed = performance.now() - start
  console.log(`${String(entries).padStart(7)}  ${String(index.files.length).padStart(11)}  ${elapsed.toFixed(0).padStart(15)}`)
  await rm(root, { recursive: true, force: true })
}
