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

describe('the move policy in the summary', () => {
  it('puts an image whose only ways out are bigger moves right after the urgent ones, saying what each changes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-moves-'))
    // node:22 with 3 high: its only ways out are the slim variant (22-slim) and Node 23 (23-slim).
    const report = path.join(WILD, 'vitkhab-node22-local-prefix.txt')
    const summaryOf = async (moves: string) => {
      const recorded = recordingHost()
      const settings = await buildSettings(
        { reports: report, 'output-dir': path.join(dir, moves), 'fail-on': 'none', comment: 'never', moves },
        { env: { GITHUB_WORKSPACE: EMPTY_WORKSPACE }, matchReports: async (patterns) => patterns, now: Date.now }
      )
      await runPipeline(settings, recorded.host)
      return { summary: recorded.summaries[0], outputs: recorded.outputs }
    }
    const compatible = await summaryOf('compatible')
    expect(compatible.summary).toContain('⚠️ **1 need a bigger move**')
    expect(compatible.summary).toContain('### ⚠️ Needs a bigger move (1)')
    expect(compatible.summary).toContain(
      '`node:22` → `node:22-slim` (slim variant, some of what it changes is not in the report): removes 🟧 **3 high**'
    )
    expect(compatible.summary).toContain(
      '`node:22` → `node:23-slim` (Node 22.14.0 → 23.8.0, slim variant, some of what it changes is not in the report)'
    )
    expect(compatible.summary).not.toContain('### 🚨 Should move now')
    expect(compatible.outputs['outdated-count']).toBe('0')
    expect(JSON.parse(compatible.outputs.recommendations)[0]).toMatchObject({ bestMove: null })
    // A policy that takes the slim variant and what the report does not tell lets 22-slim through: move now, to it.
    const major = await summaryOf('refresh,variant,unknown')
    expect(major.summary).toContain('### 🚨 Should move now (1)')
    expect(major.outputs['outdated-count']).toBe('1')
    expect(JSON.parse(major.outputs.recommendations)[0]).toMatchObject({ bestMove: { kind: 'update', tag: '22-slim' } })
  })
})
