/**
 * The committed action under a real runner implementation (nektos/act, host mode, Node 24): outputs
 * reaching the next step, the job summary, fail-on, a bad input, the artifact upload against act's
 * artifact server, the PR comment against the local API stand-in, and a sharded matrix with its last job.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CARTOGRAPHY, WILD } from '../kit/helpers.js'
import { runWorkflow } from '../kit/services/act.js'
import { startGithubApi, type GithubApiStandIn } from '../kit/services/github-api.js'

const ECR = 'cartography-docker-scout/ecr-recommendation-report.txt'
const NODE22 = 'scout-recommendations/vitkhab-node22-local-prefix.txt'
const fixtures = async () => ({
  [`reports/${path.basename(ECR)}`]: await readFile(path.join(CARTOGRAPHY, path.basename(ECR))),
  [`reports/${path.basename(NODE22)}`]: await readFile(path.join(WILD, path.basename(NODE22)))
})

/** The lines a step printed, without act's prefixes. */
const printed = (log: string) => log.split('\n').map((line) => line.replace(/^\[[^\]]+\]\s+\|\s?/, ''))

describe('the action under act (host mode, Node 24)', () => {
  it('sets outputs the next step reads, writes the summary, uploads the artifact, fails by fail-on and on a bad input', async () => {
    const run = await runWorkflow({
      files: await fixtures(),
      workflow: `
on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: node --version
      - id: sg
        uses: ./
        with:
          reports: reports/*.txt
          fail-on: none
          update-tag: '123456789'
      - name: outputs reach the next step
        env:
          RECOMMENDATIONS: \${{ steps.sg.outputs.recommendations }}
        run: |
          test "\${{ steps.sg.outputs.scanned-count }}" = 2
          # moves: compatible (the default): node:25-alpine's refresh is proposed, node:22's slim and Node 23 are not.
          test "\${{ steps.sg.outputs.outdated-count }}" = 1
          test -n "\${{ steps.sg.outputs.artifact-id }}"
          node -e 'const r = JSON.parse(process.env.RECOMMENDATIONS); if (r.length !== 2 || !r.every((e) => e.status === "ok")) process.exit(1); console.log("recommendations-ok", r.map((e) => e.baseImage.name + ":" + e.baseImage.tag).sort().join(","))'
      - id: policy
        uses: ./
        continue-on-error: true
        with:
          reports: reports/*.txt
          fail-on: fixable-high
          upload-artifact: false
      - id: bad
        uses: ./
        continue-on-error: true
        with:
          reports: reports/*.txt
          concurrency: many
          upload-artifact: false
      - run: |
          test "\${{ steps.policy.outcome }}" = failure
          test "\${{ steps.bad.outcome }}" = failure
          echo outcomes-ok
`
    })
    const lines = printed(run.log)
    expect(run.code, run.log).toBe(0)
    expect(lines.some((line) => /^v24\.\d+\.\d+$/.test(line.trim()))).toBe(true)
    expect(lines).toContain('recommendations-ok node:22,node:25-alpine')
    expect(lines).toContain('outcomes-ok')
    expect(run.log).toMatch(/::error::fail-on fixable-high: 1 image\(s\): registry\.example\.test\/example\/app:1\.2\.3 \(node:25-alpine\)/)
    expect(run.log).toMatch(/concurrency: expected a whole number from 1 to 64, got "many"/)
    // act prints each step's summary; the action's heading is in it.
    expect(run.log).toContain('## Docker Scout base image recommendations')

    // The artifact reached act's artifact server, holding the reports the manifest names.
    expect(run.requests).toEqual(
      expect.arrayContaining([
        'POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact',
        'POST /twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact'
      ])
    )
    const [runId] = await readdir(run.artifacts)
    const [name] = await readdir(path.join(run.artifacts, runId))
    expect(name).toMatch(/^scout-graph-publish-[0-9a-f]{10}-1$/)
    const zip = path.join(run.artifacts, runId, name, `${name}.zip`)
    const listing = (await promisify(execFile)('unzip', ['-Z1', zip])).stdout.split('\n').filter(Boolean)
    const manifest = JSON.parse((await promisify(execFile)('unzip', ['-p', zip, 'scout-graph-leg.json'])).stdout)
    expect(manifest.reports).toHaveLength(2)
    for (const report of manifest.reports) expect(listing).toContain(report.file)
    expect(listing).toContain('graph.json')
  })

  describe('on a pull request', () => {
    let api: GithubApiStandIn
    beforeAll(async () => {
      api = await startGithubApi()
    })
    afterAll(() => api.close())

    it('writes the sticky comment through the API, then updates it in place when the image list changes', async () => {
      const workflow = (reports: string) => `
on: pull_request
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with:
          reports: ${reports}
          fail-on: none
          upload-artifact: false
`
      const payload = { pull_request: { number: 7 }, repository: { name: 'r', owner: { login: 'o' }, full_name: 'o/r' } }
      const options = { files: await fixtures(), event: 'pull_request' as const, payload, githubApiUrl: api.url }
      const first = await runWorkflow({ ...options, workflow: workflow('reports/*.txt') })
      expect(first.code, first.log).toBe(0)
      const posted = api.calls.filter((call) => call.method === 'POST')
      expect(posted).toHaveLength(1)
      expect(posted[0].authorization).toBe('token ghs_actTestToken0451')
      expect(api.comments.at(-1)?.body).toContain('## Docker Scout base image recommendations')

      api.calls.length = 0
      // The pull request drops an image: the same comment, updated.
      const second = await runWorkflow({ ...options, workflow: workflow(`reports/${path.basename(ECR)}`) })
      expect(second.code, second.log).toBe(0)
      expect(api.calls.map((call) => call.method)).toEqual(['GET', 'GET', 'PATCH'])
      expect(api.comments.filter((comment) => comment.body.includes('base image recommendations'))).toHaveLength(1)
    })
  })

  it('runs a sharded matrix whose last job takes the legs and fails by the legs', async () => {
    const images = [
      'registry.example.test/a:1',
      'registry.example.test/node22:2',
      'registry.example.test/c:3',
      'registry.example.test/missing:4'
    ]
    const legs = await mkdtemp(path.join(os.tmpdir(), 'sg-act-legs-'))
    const run = await runWorkflow({
      files: { 'images.txt': `${images.join('\n')}\n` },
      env: { LEGS: legs },
      workflow: `
on: push
jobs:
  scan:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        include:
          - { leg: 1, shard: 1/2 }
          - { leg: 2, shard: 2/2 }
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with:
          images-file: images.txt
          shard: \${{ matrix.shard }}
          update-tag: '123456789'
          retries: '0'
          fail-on: none
          output-dir: \${{ env.LEGS }}/\${{ matrix.leg }}
  finish:
    needs: scan
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: sg
        uses: ./
        continue-on-error: true
        with:
          legs: \${{ env.LEGS }}/*/scout-graph-leg.json
          update-tag: '123456789'
          upload-artifact: false
      - run: |
          test "\${{ steps.sg.outputs.scanned-count }}" = 4
          test "\${{ steps.sg.outputs.failed-count }}" = 1
          test "\${{ steps.sg.outcome }}" = failure
          echo matrix-ok
`
    })
    expect(run.code, run.log).toBe(0)
    expect(printed(run.log)).toContain('matrix-ok')
    expect(run.log).toMatch(/Took leg 1\/2, attempt 1/)
    expect(run.log).toMatch(/Took leg 2\/2, attempt 1/)
    expect(run.log).toMatch(/::error::fail-on error: 1 image\(s\): registry\.example\.test\/missing:4/)
    // Each leg uploaded its own artifact; names differ by shard.
    const [runId] = await readdir(run.artifacts)
    expect((await readdir(path.join(run.artifacts, runId))).sort()).toEqual([
      expect.stringMatching(/^scout-graph-scan-1of2-/),
      expect.stringMatching(/^scout-graph-scan-2of2-/)
    ])
  })
})
