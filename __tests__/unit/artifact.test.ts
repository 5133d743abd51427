/** The artifact: a name unique per leg, image set and attempt, and the files it holds. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { artifactFiles, artifactName, uploadArtifact } from '../../src/sinks/artifact.js'
import { recordingHost } from '../kit/host.js'
import type { GithubContext } from '../../src/types/settings.js'

describe('the artifact', () => {
  const context: GithubContext = { apiUrl: '', serverUrl: '', job: 'scan images', runAttempt: '2', artifactService: false }

  it('has a name unique per leg, image set and attempt, and holds reports, logs and the graph, not caches', async () => {
    const names = new Set([
      artifactName(context, ['a', 'b'], { index: 1, count: 2 }),
      artifactName(context, ['c'], { index: 2, count: 2 }),
      artifactName({ ...context, runAttempt: '3' }, ['a', 'b'], { index: 1, count: 2 }),
      artifactName(context, ['b', 'a'])
    ])
    expect(names.size).toBe(4)
    expect(artifactName(context, ['a', 'b'], { index: 1, count: 2 })).toMatch(/^scout-graph-scan-images-1of2-[0-9a-f]{10}-2$/)

    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-artifact-'))
    for (const file of ['reports/a.txt', 'reports/a.log', 'graph.json', '.scout-cache/0/db/index']) {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true })
      await writeFile(path.join(dir, file), 'x')
    }
    expect((await artifactFiles(dir)).map((file) => path.relative(dir, file))).toEqual(['graph.json', 'reports/a.log', 'reports/a.txt'])
  })

  it('is skipped with a notice off GitHub', async () => {
    const recorded = recordingHost()
    expect(await uploadArtifact({ github: context }, 'x', os.tmpdir(), recorded.host)).toBeUndefined()
    expect(recorded.lines).toEqual(['Artifact upload skipped: no GitHub Actions artifact service here (ACTIONS_RUNTIME_TOKEN is not set)'])
  })
})
