/**
 * Collecting what a run reads: leg manifests refused by file and field, the reports of a reports: run kept
 * where the manifest names them, one read per report when reports: and legs: overlap, and a run that read
 * nothing (a FIFO, a wrong path, only notes) failing instead of passing green.
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { runPipeline } from '../../src/pipeline.js'
import { buildSettings, InputError } from '../../src/settings/index.js'
import { AS_GIVEN, CARTOGRAPHY, filesUnder, finished, WILD } from '../kit/helpers.js'
import { useFakeDocker } from '../kit/fake-scout.js'
import { recordingHost } from '../kit/host.js'

const ECR = path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt')
const NODE22 = path.join(WILD, 'vitkhab-node22-local-prefix.txt')
const docker = useFakeDocker()
const recorded = recordingHost()
const { host, lines: logs } = recorded

beforeEach(() => recorded.clear())

describe('the matrix and the report files', () => {
  it('refuses legs that match no manifest, like reports', async () => {
    const error = await buildSettings(
      { legs: '/no/such/legs/*/scout-graph-leg.json' },
      { ...AS_GIVEN, matchReports: async () => [] }
    ).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe('legs: no file matches "/no/such/legs/*/scout-graph-leg.json"')
  })

  it('names the file and the field of a manifest with a missing or wrong field', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-legs-'))
    const good = { schema: 'scout-graph-leg/1', runAttempt: 1, updateTag: 5, reports: [], failed: [], noBaseImage: [] }
    const cases: [object, string][] = [
      [{ ...good, runAttempt: undefined }, 'field "runAttempt" must be a whole number from 1'],
      [{ ...good, runAttempt: 0 }, 'field "runAttempt" must be a whole number from 1'],
      [{ ...good, reports: 'x' }, 'field "reports" must be a list of'],
      [{ ...good, reports: ['a'] }, 'field "reports[0]" must be { image, file }'],
      [{ ...good, reports: [{ image: 'a' }] }, 'field "reports[0].file" must be a relative path inside the leg\'s folder'],
      [{ ...good, reports: [{ image: 'a', file: '' }] }, 'field "reports[0].file" must be a relative path inside the leg\'s folder'],
      [{ ...good, reports: [{ image: 'a', file: '../../etc/passwd' }] }, 'field "reports[0].file" must be a relative path inside'],
      [{ ...good, failed: [{ image: 'a', error: 3 }] }, 'field "failed[0].error" must be the reason'],
      [{ ...good, shard: { index: 0, count: 2 } }, 'field "shard.index" must be a whole number from 1'],
      [{ ...good, schema: 'other/2' }, 'field "schema" must be "scout-graph-leg/1"'],
      [{ ...good, shard: { index: 3, count: 2 } }, 'field "shard" must be an object { index, count }'],
      [[], 'field "(top level)" must be an object']
    ]
    for (const [manifest, message] of cases) {
      const file = path.join(dir, 'scout-graph-leg.json')
      await writeFile(file, JSON.stringify(manifest))
      const error = await buildSettings({ legs: file }, AS_GIVEN).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InputError)
      expect((error as Error).message).toContain(`legs: ${file}: ${message}`)
    }
  })

  it('keeps the reports of a reports: run in its artifact folder, where the manifest names them, and a last job reads them', async () => {
    const settings = await buildSettings(
      { reports: [ECR, NODE22].join('\n'), 'output-dir': docker.outputDir(), 'fail-on': 'none', 'update-tag': '7' },
      AS_GIVEN
    )
    await runPipeline(settings, host)
    const manifest = JSON.parse(await readFile(path.join(docker.outputDir(), 'scout-graph-leg.json'), 'utf8'))
    expect(manifest.reports).toHaveLength(2)
    for (const report of manifest.reports) {
      expect(report.file).toMatch(/^reports\//)
      expect(existsSync(path.join(docker.outputDir(), report.file))).toBe(true)
    }
    // The artifact as the last job downloads it: only the output folder, somewhere else.
    const downloaded = await mkdtemp(path.join(os.tmpdir(), 'sg-downloaded-'))
    for (const [file, text] of await filesUnder(docker.outputDir())) {
      const target = path.join(downloaded, 'leg', path.relative(docker.outputDir(), file))
      await mkdir(path.dirname(target), { recursive: true })
      await writeFile(target, text, 'latin1')
    }
    const last = await buildSettings(
      {
        legs: path.join(downloaded, 'leg', 'scout-graph-leg.json'),
        'output-dir': path.join(downloaded, 'out'),
        'fail-on': 'error',
        'update-tag': '7'
      },
      AS_GIVEN
    )
    const result = await runPipeline(last, host)
    expect(result.entries.map((entry) => [entry.image, entry.status]).sort()).toEqual([
      ['local://vitkhab/serverless:3.40.0-22', 'ok'],
      ['registry.example.test/example/app:1.2.3', 'ok']
    ])
    expect(result.errors).toEqual([])
  })

  it('keeps a report read from the output folder itself in place, without a second copy beside it', async () => {
    await mkdir(path.join(docker.outputDir(), 'reports'), { recursive: true })
    const mine = path.join(docker.outputDir(), 'reports', 'mine.txt')
    await writeFile(mine, await readFile(ECR))
    const settings = await buildSettings(
      { reports: mine, 'output-dir': docker.outputDir(), 'fail-on': 'none', 'update-tag': '7' },
      AS_GIVEN
    )
    await runPipeline(settings, host)
    expect(await readdir(path.join(docker.outputDir(), 'reports'))).toEqual(['mine.txt'])
    const manifest = JSON.parse(await readFile(path.join(docker.outputDir(), 'scout-graph-leg.json'), 'utf8'))
    expect(manifest.reports).toEqual([{ image: 'registry.example.test/example/app:1.2.3', file: 'reports/mine.txt' }])
  })

  it('reads a report once when reports: and legs: both reach it, taking only the newest attempt', async () => {
    const legs = await mkdtemp(path.join(os.tmpdir(), 'sg-legs-twice-'))
    for (const [attempt, report] of [
      [1, ECR],
      [2, NODE22]
    ] as const) {
      const dir = path.join(legs, `attempt-${attempt}`)
      await mkdir(path.join(dir, 'reports'), { recursive: true })
      await writeFile(path.join(dir, 'reports', 'r.txt'), await readFile(report))
      const manifest = {
        schema: 'scout-graph-leg/1',
        shard: { index: 1, count: 1 },
        runAttempt: attempt,
        updateTag: 7,
        reports: [{ image: `img${attempt}`, file: 'reports/r.txt' }],
        failed: [],
        noBaseImage: []
      }
      await writeFile(path.join(dir, 'scout-graph-leg.json'), JSON.stringify(manifest))
    }
    const settings = await buildSettings(
      {
        reports: [path.join(legs, 'attempt-1', 'reports', 'r.txt'), path.join(legs, 'attempt-2', 'reports', 'r.txt')].join('\n'),
        legs: [path.join(legs, 'attempt-1', 'scout-graph-leg.json'), path.join(legs, 'attempt-2', 'scout-graph-leg.json')].join('\n'),
        'output-dir': docker.outputDir(),
        'fail-on': 'none',
        'update-tag': '7'
      },
      AS_GIVEN
    )
    const result = await runPipeline(settings, host)
    expect(result.entries.map((entry) => entry.image)).toEqual(['img2'])
  })

  it('skips a FIFO matched by reports with a warning instead of waiting on it forever', async () => {
    const fifo = path.join(docker.outputDir(), 'pipe.txt')
    const made = await finished('mkfifo', [fifo], process.env)
    expect(made.code).toBe(0)
    const settings = await buildSettings(
      { reports: [fifo, ECR].join('\n'), 'output-dir': path.join(docker.outputDir(), 'out'), 'fail-on': 'none' },
      AS_GIVEN
    )
    const result = await runPipeline(settings, host)
    expect(result.entries).toHaveLength(1)
    expect(logs.some((line) => line.startsWith('warning:') && line.includes('pipe.txt') && line.includes('not a regular file'))).toBe(true)
  })

  it('fails a run that read nothing (every matched file skipped)', async () => {
    const fifo = path.join(docker.outputDir(), 'only.txt')
    await finished('mkfifo', [fifo], process.env)
    const settings = await buildSettings({ reports: fifo, 'output-dir': path.join(docker.outputDir(), 'out'), 'fail-on': 'none' }, AS_GIVEN)
    const result = await runPipeline(settings, host)
    expect(result.errors).toEqual(['nothing was read: no report among the 1 file(s) matched'])
  })

  it('fails a run whose pattern matched only files that are not reports (a wrong path), and copies none of them', async () => {
    const out = path.join(docker.outputDir(), 'out')
    const notes = path.join(CARTOGRAPHY, 'SOURCE.md')
    const settings = await buildSettings(
      { reports: [notes, path.join(CARTOGRAPHY, 'expected.md')].join('\n'), 'output-dir': out },
      AS_GIVEN
    )
    const result = await runPipeline(settings, host)
    expect(result.entries.map((entry) => entry.status)).toEqual(['not-a-report', 'not-a-report'])
    expect(result.errors).toEqual(['nothing was read: no report among the 2 file(s) matched'])
    expect(await readdir(path.join(out, 'reports'))).toEqual([])
  })
})
