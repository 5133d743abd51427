/** The job summary of whole runs: what changed since the last scan, and one summary for every leg's reports. */
import { cp, mkdir, mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runPipeline } from '../../src/pipeline.js'
import { renderSummary } from '../../src/summary/summary.js'
import { buildSettings } from '../../src/settings/index.js'
import { CARTOGRAPHY, EMPTY_WORKSPACE, WILD, fixture } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'
import { entryFrom } from '../kit/entries.js'

const ecrText = fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt').toString('utf8')

describe('the job summary', () => {
  it('says what changed since the last scan, per base image, with the images on it', () => {
    const entries = [entryFrom(ecrText, 'app:1'), entryFrom(ecrText, 'app:2')]
    const markdown = renderSummary(entries, { changes: [{ base: 'node:25-alpine', gained: ['lts-alpine'], lost: ['current-alpine'] }] })
    expect(markdown).toContain(
      '### Changed since the last scan\n\n- `node:25-alpine` (`app:1`, `app:2`): newly recommended `node:lts-alpine`; no longer recommended ~~`node:current-alpine`~~\n'
    )
    expect(markdown.indexOf('### Changed since the last scan')).toBeLessThan(markdown.indexOf('### 🚨 Should move now'))
    expect(renderSummary(entries, { changes: [] })).toContain('No recommendation changed since the last scan.')
    expect(renderSummary(entries)).not.toContain('since the last scan')
  })
})

describe('aggregating matrix legs', () => {
  it('writes one summary for the reports of every leg', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sg-legs-'))
    for (const [leg, dir, name] of [
      ['leg-1', CARTOGRAPHY, 'ecr-recommendation-report.txt'],
      ['leg-2', WILD, 'vitkhab-node22-local-prefix.txt'],
      ['leg-2', WILD, 'lab8-node22-alpine-slim-plus-deltas.txt']
    ]) {
      await mkdir(path.join(root, leg, 'reports'), { recursive: true })
      await cp(path.join(dir, name), path.join(root, leg, 'reports', name))
    }
    const recorded = recordingHost()
    const settings = await buildSettings(
      { reports: `${root}/*/reports/*.txt`, 'output-dir': path.join(root, 'out'), 'fail-on': 'none', comment: 'never' },
      {
        env: { GITHUB_WORKSPACE: EMPTY_WORKSPACE },
        matchReports: (await import('../../src/report/files.js')).matchReportFiles,
        now: Date.now
      }
    )
    await runPipeline(settings, recorded.host)
    expect(recorded.summaries).toHaveLength(1)
    for (const image of ['registry.example.test/example/app:1.2.3', 'local://vitkhab/serverless:3.40.0-22', 'lab8:classic']) {
      expect(recorded.summaries[0]).toContain(`\`${image}\``)
    }
  })
})
