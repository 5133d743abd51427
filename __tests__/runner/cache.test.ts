/**
 * The Scout cache under act (host mode, Node 24) with act's own cache server, the older cache protocol
 * (`ACTIONS_CACHE_URL`) that `@actions/cache` speaks when `ACTIONS_CACHE_SERVICE_V2` is unset. act gives
 * each run a new workspace and RUNNER_TEMP, so these runs share a cache only because the kept folder is
 * named relative to the workspace. Night 1 saves; night 2 restores and indexes only the rebuilt images;
 * night 3, under a tighter cap, prunes and saves a folder within it.
 */
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { mkdtemp } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { runWorkflow } from '../kit/services/act.js'

const IMAGES = ['app-0:1', 'app-1:1', 'app-2:1', 'app-3:1', 'app-4:1', 'app-5:1']

describe('the Scout cache under act with its cache server', () => {
  it('saves, restores only what changed, and stays under the cap after pruning', async () => {
    const cacheServerPath = await mkdtemp(path.join(os.tmpdir(), 'sg-actcache-'))
    const night = async (runId: number, images: string[], maxMb: string, env: Record<string, string> = {}) => {
      const run = await runWorkflow({
        cacheServerPath,
        // Each SBOM 300 KB, so that six of them pass a 1 MB cap.
        env: { GITHUB_RUN_ID: String(runId), DOCKER_SCOUT_FAKE_SBOM_BYTES: String(300 * 1024), ...env },
        workflow: `
on: push
jobs:
  nightly:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: sg
        uses: ./
        with:
          images: ${images.join(',')}
          fail-on: none
          upload-artifact: false
          dockerfiles: none
          cache-max-mb: '${maxMb}'
      - run: echo "scanned=\${{ steps.sg.outputs.scanned-count }}"
`
      })
      const indexed = (await readFile(path.join(run.dockerState, 'indexings'), 'utf8').catch(() => '')).split('\n').filter(Boolean)
      return { ...run, indexed }
    }

    const first = await night(1, IMAGES, '2000')
    expect(first.code, first.log).toBe(0)
    expect(first.indexed.sort()).toEqual([...IMAGES].sort())
    expect(first.log).toMatch(
      /cache: saved the Scout cache as scout-graph-sbom-linux-x64-test\.yml-nightly-sg-[0-9a-f]{12}-1-1: 6 file\(s\), 1\.8 MB/
    )

    const second = await night(2, IMAGES, '2000', { DOCKER_SCOUT_FAKE_REBUILT: 'app-1:1,app-4:1' })
    expect(second.code, second.log).toBe(0)
    expect(second.indexed.sort()).toEqual(['app-1:1', 'app-4:1'])
    expect(second.log).toMatch(/cache: restored the Scout cache scout-graph-sbom-\S+-1-1: 6 file\(s\), 1\.8 MB/)
    expect(second.log).toContain('cache: 4 of 6 image(s) found their SBOM in the restored cache; 2 file(s) added (0.6 MB)')
    expect(second.log).toContain('scanned=6')

    // A tighter cap: the oldest image folders go until the folder is within 1 MB, and that is what is saved.
    const third = await night(3, [...IMAGES, 'app-6:1'], '1', { DOCKER_SCOUT_FAKE_REBUILT: 'app-1:1,app-4:1' })
    expect(third.code, third.log).toBe(0)
    expect(third.indexed).toEqual(['app-6:1'])
    const kept = /Scout cache \S+: (\d+) image folder\(s\), ([\d.]+) MB kept; (\d+) pruned/.exec(third.log)
    expect(kept, third.log).not.toBeNull()
    expect(Number(kept?.[2])).toBeLessThanOrEqual(1)
    expect(Number(kept?.[3])).toBeGreaterThan(0)
    const saved = /cache: saved the Scout cache as \S+-3-1: (\d+) file\(s\), ([\d.]+) MB/.exec(third.log)
    expect(saved, third.log).not.toBeNull()
    expect(Number(saved?.[2])).toBeLessThanOrEqual(1)
  })
})
