/** Runs the committed bundle the way its users do: dist/index.js as the runner does, and `npx scout-graph`. */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { startHttpStub } from '../kit/http.js'
import { CARTOGRAPHY, EMPTY_WORKSPACE, FAKE_DOCKER, finished, ROOT, runAction, WILD } from '../kit/helpers.js'

const ECR = path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt')

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
    const report = path.join(WILD, 'vitkhab-node22-local-prefix.txt')
    const result = await runAction({ reports: report, 'fail-on': 'fixable-high', moves: 'any' })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/::error::fail-on fixable-high: 1 image\(s\): local:\/\/vitkhab\/serverless:3\.40\.0-22 \(node:22\)/)
    expect(result.outputs['outdated-count']).toBe('1')
    // node:22's only ways out are 22-slim (the slim variant) and 23-slim (Node 23, floating aliases): under
    // the default moves: compatible neither is proposed, so fixable-high and outdated count nothing.
    const compatible = await runAction({ reports: report, 'fail-on': 'fixable-high,outdated' })
    expect(compatible.code).toBe(0)
    expect(compatible.outputs['outdated-count']).toBe('0')
    expect(compatible.summary).toContain('⚠️ Needs a bigger move (1)')
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

  it('reads the policy file with the bundled YAML parser, validator and globs, and refuses a bad one before any work', async () => {
    const workspace = await mkdtemp(path.join(os.tmpdir(), 'sg-bundle-policy-'))
    await mkdir(path.join(workspace, '.github'))
    const policy = path.join(workspace, '.github', 'scout-graph.yml')
    const inputs = {
      reports: path.join(WILD, 'tiamaria-python311-alpine-v1.17-windows-after.txt'),
      'fail-on': 'outdated',
      'upload-artifact': 'false'
    }
    await writeFile(policy, "ignore:\n  - tags: ['3.1[23]-*']\n    reason: frozen for the audit\n    until: 2099-01-01\n")
    const ignored = await runAction(inputs, { GITHUB_WORKSPACE: workspace })
    expect(ignored.code, ignored.stdout).toBe(0)
    expect(ignored.outputs['outdated-count']).toBe('0')
    expect(ignored.summary).toContain('2 option(s) ignored by the policy file')
    await writeFile(policy, 'moves: any\nrules: {}\n')
    const refused = await runAction(inputs, { GITHUB_WORKSPACE: workspace })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain('::error::policy-file: .github/scout-graph.yml:2: rules: expected a list')
    expect(refused.outputs).toEqual({})
  })

  it('warns when the artifact service refuses the upload, and still publishes everything else', async () => {
    const asked: string[] = []
    const refusing = await startHttpStub((request, response) => {
      asked.push(request.url ?? '')
      response
        .writeHead(403, { 'content-type': 'application/json' })
        .end('{"code":"permission_denied","msg":"artifact storage quota has been hit"}')
    })
    // The runtime token's scope names the run and job, as the runner's does; @actions/artifact reads it.
    const claims = { scp: 'Actions.Results:ce7f54c7-61c7-4aae-887f-30da475f5f1a:ca395085-040a-526b-2ce8-bdc85f692774' }
    const token = ['{"alg":"HS256"}', JSON.stringify(claims), 'signature'].map((part) => Buffer.from(part).toString('base64url')).join('.')
    const result = await runAction(
      { reports: ECR, 'fail-on': 'none', comment: 'never' },
      {
        ACTIONS_RUNTIME_TOKEN: token,
        ACTIONS_RESULTS_URL: `${refusing.url}/`,
        GITHUB_RUN_ID: '1'
      }
    ).finally(() => refusing.close())
    expect(asked).toEqual(['/twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /::warning::Artifact upload of scout-graph-\S+ failed: .*\(403\) Forbidden: artifact storage quota has been hit/
    )
    expect(result.stdout).not.toContain(token)
    expect(result.outputs['artifact-id']).toBeUndefined()
    expect(result.outputs['outdated-count']).toBe('1')
    expect(result.summary).toContain('**1** image(s)')
  })
})

describe('the command line (npx scout-graph)', () => {
  it('runs the committed bundle through bin/, as npx does', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, GITHUB_WORKSPACE: EMPTY_WORKSPACE }
    const version = await finished('npx', ['--no-install', 'scout-graph', '--version'], env)
    expect(version.stdout.trim()).toBe(JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')).version)
    const out = await mkdtemp(path.join(os.tmpdir(), 'sg-cli-'))
    const report = path.join(WILD, 'lab8-node22-alpine-slim-plus-deltas.txt')
    const result = await finished(
      'npx',
      ['--no-install', 'scout-graph', '--reports', report, '--output-dir', out, '--update-tag', '7'],
      env
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/lab8:classic\s+node:22-alpine\s+update node:slim \(bigger move: .*\)\s+nothing\s+23 low$/m)
    expect((await finished('npx', ['--no-install', 'scout-graph', '--reprots', 'x'], env)).code).toBe(2)
  })
})

describe('the start-up path of the bundle', () => {
  /** Every chunk dist/index.js loads before it runs: its static imports, transitively. */
  async function startupChunks(): Promise<Map<string, string>> {
    const chunks = new Map<string, string>()
    const pending = ['index.js']
    while (pending.length > 0) {
      const name = pending.pop() as string
      if (chunks.has(name)) continue
      const text = await readFile(path.join(ROOT, 'dist', name), 'utf8')
      chunks.set(name, text)
      // Static imports only (`import{…}from"./x.js"`, `import"./x.js"`); `import("./x.js")` loads when used.
      for (const [, chunk] of text.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) pending.push(chunk)
    }
    return chunks
  }

  it('parses neither undici, the code-page tables, the Dockerfile parser, the diff, the YAML parser nor the validator before the run: they load when a run needs them', async () => {
    const chunks = await startupChunks()
    const startup = [...chunks.values()].join('\n')
    expect(chunks.size).toBeGreaterThan(1)
    expect(startup).not.toContain('UND_ERR_') // undici's error codes
    expect(startup).not.toContain('maccroatian') // iconv-lite's code-page tables
    expect(startup).not.toContain('getInitialARGs') // dockerfile-ast, for the FROM lines
    expect(startup).not.toContain('createTwoFilesPatch') // jsdiff, for the fix patch
    expect(startup).not.toContain('must have required property') // ajv, for the policy file
    expect(startup).not.toContain('YAMLParseError') // yaml, for the policy file
    expect(startup).toContain('dashboard issue') // the action itself is there
  })
})
