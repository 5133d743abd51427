/** Runs the committed bundles the way their users do: dist/index.js as the runner does, and `npx scout-graph`. */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { INPUTS } from '../../src/inputs.js'
import { CARTOGRAPHY, FAKE_DOCKER, finished, ROOT, runAction, WILD } from '../kit/helpers.js'

describe('the action (dist/index.js)', () => {
  it('ingests the Cartography reports and sets every output', async () => {
    const result = await runAction({ reports: `${CARTOGRAPHY}/*.txt`, 'update-tag': '123456789', 'fail-on': 'none' })
    expect(result.code).toBe(0)
    const recommendations = JSON.parse(result.outputs.recommendations)
    expect(recommendations).toHaveLength(5)
    const ecr = recommendations.find((entry: { source: string }) => entry.source.endsWith('ecr-recommendation-report.txt'))
    expect(ecr).toMatchObject({
      image: 'registry.example.test/example/app:1.2.3',
      status: 'ok',
      baseImage: { name: 'node', tag: '25-alpine' }
    })
    expect(ecr.recommendations.find((rec: { tag: string }) => rec.tag === 'slim').fixes).toEqual({
      critical: 0,
      high: 2,
      medium: 1,
      low: 0
    })
    expect(recommendations.filter((entry: { status: string }) => entry.status === 'not-a-report')).toHaveLength(1)
    expect(result.outputs['graph-file']).toBe(path.join(result.temp, 'scout-graph', 'graph.json'))
    expect(result.outputs['report-dir']).toBe(path.join(result.temp, 'scout-graph'))
    expect(result.outputs['scanned-count']).toBe('5')
    expect(result.outputs['outdated-count']).toBe('4')
    expect(result.outputs['failed-count']).toBe('0')
    expect(JSON.parse(result.outputs['failed-images'])).toEqual([])
    const graph = JSON.parse(await readFile(result.outputs['graph-file'], 'utf8'))
    expect(graph).toMatchObject({ schema: 'cartography:docker_scout', mode: 'cartography', updateTag: 123456789 })
    expect(graph.nodes.map((node: { id: string }) => node.id)).toContain('registry.example.test:5000/node:slim')
    expect(result.summary).toContain('## Docker Scout base image recommendations')
    expect(result.stdout).toContain('::group::Build the graph')
  })

  it('fails the step by fail-on, naming the images, after writing its outputs', async () => {
    const result = await runAction({ reports: path.join(WILD, 'vitkhab-node22-local-prefix.txt'), 'fail-on': 'fixable-high' })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/::error::fail-on fixable-high: 1 image\(s\): local:\/\/vitkhab\/serverless:3\.40\.0-22 \(node:22\)/)
    expect(result.outputs['outdated-count']).toBe('1')
  })

  it('counts an undecodable report as failed (fail-on error, the default)', async () => {
    const result = await runAction({ reports: `${CARTOGRAPHY}/*` })
    expect(result.code).toBe(1)
    expect(result.outputs['failed-count']).toBe('1')
    expect(result.stdout).toMatch(/::error::fail-on error: 1 image\(s\): .*variant-invalid-utf8-bad-report\.bin \(not valid UTF-8 text\)/)
  })

  it('scans images with the fake docker, keeps every report, and masks the credentials', async () => {
    const state = await mkdtemp(path.join(os.tmpdir(), 'sg-e2e-docker-'))
    const credentials = { 'dockerhub-user': 'scout-bot-e2e', 'dockerhub-password': 'dckr_pat_e2eSecret0451' }
    const result = await runAction(
      { images: 'registry.example.test/app:1\nregistry.example.test/missing:1\nlocal://node22:dev', ...credentials, 'fail-on': 'error' },
      { PATH: `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`, DOCKER_SCOUT_FAKE_STATE: state }
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^::error::fail-on error: 1 image\(s\): registry\.example\.test\/missing:1 \(image not found/m)
    const entries = JSON.parse(result.outputs.recommendations) as { image: string; status: string }[]
    expect(entries.map((entry) => [entry.image, entry.status])).toEqual([
      ['registry.example.test/app:1', 'ok'],
      ['registry.example.test/missing:1', 'failed'],
      ['local://node22:dev', 'ok']
    ])
    const reports = await readdir(path.join(result.outputs['report-dir'], 'reports'))
    expect(reports.filter((name) => name.endsWith('.txt'))).toHaveLength(2)
    expect(reports.filter((name) => name.endsWith('.log'))).toHaveLength(3)

    for (const secret of Object.values(credentials)) {
      expect(result.stdout).toContain(`::add-mask::${secret}\n`)
      const logged = result.stdout.replaceAll(`::add-mask::${secret}\n`, '')
      expect([logged, result.stderr, result.summary, JSON.stringify(result.outputs)].join('\n')).not.toContain(secret)
      for (const name of reports)
        expect(await readFile(path.join(result.outputs['report-dir'], 'reports', name), 'utf8')).not.toContain(secret)
    }
    // Scout got them through its environment, never its arguments.
    const calls = (await readFile(path.join(state, 'calls.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(calls.every((call) => call.env.DOCKER_SCOUT_HUB_PASSWORD === credentials['dockerhub-password'])).toBe(true)
    expect(JSON.stringify(calls.map((call) => call.args))).not.toContain(credentials['dockerhub-password'])
  })

  it('stops on a bad input before any work, naming the input', async () => {
    const result = await runAction({ reports: `${CARTOGRAPHY}/*.txt`, shard: '9' })
    expect(result.code).toBe(1)
    expect(result.stdout).toContain('::error::shard: expected K/N')
    expect(result.outputs).toEqual({})
  })
})

describe('the command line (npx scout-graph)', () => {
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    finished('npx', ['--no-install', 'scout-graph', ...args], { PATH: process.env.PATH, HOME: process.env.HOME, ...env })

  it('prints the recommendations table and writes the graph and summary files', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const result = await cli([
      '--reports',
      path.join(WILD, 'lab8-node22-alpine-slim-plus-deltas.txt'),
      '--output-dir',
      out,
      '--summary-file',
      path.join(out, 's.md'),
      '--update-tag',
      '7'
    ])
    expect(result.code).toBe(0)
    expect(result.stdout.split('\n')[0]).toMatch(/^IMAGE\s+BASE\s+MOVE\s+REMOVES\s+ADDS$/)
    expect(result.stdout).toMatch(/lab8:classic\s+node:22-alpine\s+update node:slim\s+nothing\s+23 low$/m)
    expect(JSON.parse(await readFile(path.join(out, 'graph.json'), 'utf8')).updateTag).toBe(7)
    expect(await readFile(path.join(out, 's.md'), 'utf8')).toContain('lab8:classic')
  })

  it('takes --dockerfiles and --sarif-file, off GitHub the working directory being the workspace', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const sarif = path.join(out, 'alerts', 'scout.sarif')
    const args = ['--reports', 'examples/reports', '--output-dir', out, '--fail-on=none', '--sarif-file', sarif]
    const result = await cli([...args, '--dockerfiles', 'examples/Dockerfile'])
    expect(result.code).toBe(0)
    const log = JSON.parse(await readFile(sarif, 'utf8')) as { runs: { results: { locations: { physicalLocation: unknown }[] }[] }[] }
    expect(log.runs[0].results.map((result) => result.locations[0].physicalLocation)).toEqual([
      { artifactLocation: { uri: 'examples/Dockerfile', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } }
    ])
    await rm(sarif)
    expect((await cli([...args, '--dockerfiles', 'none'])).code).toBe(0)
    await expect(readFile(sarif)).rejects.toThrow(/ENOENT/)
  })

  it('prints only JSON on stdout with --json', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const result = await cli(['--reports', CARTOGRAPHY, '--output-dir', out, '--json', '--fail-on=none'])
    expect(result.code).toBe(0)
    // A directory stands for every file below it: the two .md notes are read and skipped.
    const entries = JSON.parse(result.stdout) as { source: string; status: string }[]
    expect(entries).toHaveLength(8)
    expect(entries.filter((entry) => entry.source.endsWith('.md')).map((entry) => entry.status)).toEqual(['not-a-report', 'not-a-report'])
  })

  it('exits 1 when fail-on is hit and 2 on bad usage', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const hit = await cli([
      '--reports',
      path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt'),
      '--output-dir',
      out,
      '--fail-on',
      'outdated'
    ])
    expect(hit.code).toBe(1)
    expect(hit.stderr).toContain('fail-on outdated: 1 image(s)')
    const unknown = await cli(['--reprots', 'x'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("Unknown option '--reprots'")
    const badValue = await cli(['--reports', CARTOGRAPHY, '--summary=maybe'])
    expect(badValue.code).toBe(2)
    const ownLines = badValue.stderr.split('\n').filter((line) => line.startsWith('scout-graph:'))
    expect(ownLines).toEqual(['scout-graph: summary: expected true or false, got "maybe"'])
  })

  it('names in --help every environment variable the code reads, except the runner’s own', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    const sources = await readdir(path.join(ROOT, 'src'), { recursive: true })
    const read = new Set<string>()
    for (const file of sources.filter((name) => name.endsWith('.ts'))) {
      const text = await readFile(path.join(ROOT, 'src', file), 'utf8')
      for (const match of text.matchAll(/env\.([A-Z][A-Z_0-9]+)/g)) read.add(match[1])
    }
    // Set by the runner for the action, never by a CLI user: GITHUB_* context, ACTIONS_* service tokens, the tool cache.
    const runnerOnly = (name: string) => /^(GITHUB_(?!TOKEN)|ACTIONS_|RUNNER_TOOL_CACHE)/.test(name)
    const named = [...read].filter((name) => !runnerOnly(name))
    expect(named.length).toBeGreaterThan(2)
    for (const name of named) expect(help.stdout, name).toContain(name)
    for (const spec of INPUTS) for (const name of spec.env ?? []) expect(help.stdout, name).toContain(name)
  })

  it('prints no group that does nothing off a runner (no artifact service, no pull request)', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const result = await cli(['--reports', path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt'), '--output-dir', out, '--fail-on=none'])
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('== Build the graph')
    expect(result.stderr).not.toContain('Upload the artifact')
    expect(result.stderr).not.toContain('Pull-request comment')
  })
})
