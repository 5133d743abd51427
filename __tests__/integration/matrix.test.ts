/**
 * The scheduled, sharded workflow of examples/workflows/nightly-matrix.yml, played on one machine:
 * a first job fixes the update tag; N legs run dist/index.js in parallel against the fake scanner and
 * a real Neo4j, each into its own folder (what its artifact holds); the last job reads the legs'
 * manifests from those folders, writes one summary and runs cleanup.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INPUTS } from '../../src/inputs.js'
import { FAKE_DOCKER, ROOT, runAction } from '../kit/helpers.js'
import { canonicalGraph, type TestNeo4j, useNeo4j } from '../kit/services/neo4j.js'
import { useGithubApi } from '../kit/services/github-api.js'
import { readState } from '../../src/dashboard/state.js'

const SHARDS = 3
const TAG = 1_800_000_000
/** Images the fake scanner answers with four different base images. */
const IMAGES = Array.from({ length: 18 }, (_, i) => `registry.example.test/team-${i}/${['app', 'node23', 'regport'][i % 3]}:1`)
const LEAVING = 'registry.example.test/old/node22:1' // scanned before, gone from the list since

let db: TestNeo4j
let root: string
let state: string

useNeo4j((started) => (db = started))
const github = { api: useGithubApi().api }
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sg-matrix-'))
  state = path.join(root, 'docker-state')
  await mkdir(state)
  await writeFile(path.join(root, 'images.txt'), `${IMAGES.join('\n')}\n`)
})

/** One job of the workflow: dist/index.js with the runner's environment, the fake scanner first on PATH. */
function job(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  return runAction(
    { 'neo4j-uri': db.uri, 'neo4j-password': db.password, comment: 'never', 'fail-on': 'none', ...inputs },
    {
      PATH: `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`,
      DOCKER_SCOUT_FAKE_STATE: state,
      GITHUB_RUN_ATTEMPT: '1',
      ...env
    }
  )
}

const leg = (index: number, attempt = 1, env: NodeJS.ProcessEnv = {}) =>
  job(
    {
      'images-file': path.join(root, 'images.txt'),
      shard: `${index}/${SHARDS}`,
      'update-tag': String(TAG),
      'output-dir': path.join(root, 'legs', `leg-${index}-attempt-${attempt}`),
      summary: 'false'
    },
    { GITHUB_RUN_ATTEMPT: String(attempt), ...env }
  )

const lastJob = (inputs: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}) =>
  job(
    {
      legs: path.join(root, 'legs', '*', 'scout-graph-leg.json'),
      'update-tag': String(TAG),
      cleanup: 'true',
      'output-dir': path.join(root, 'last'),
      'fail-on': 'error',
      ...inputs
    },
    env
  )

/** What an earlier night left: the graph of a list that still had LEAVING on it. */
async function previousNight(): Promise<void> {
  await writeFile(path.join(root, 'previous.txt'), `${[...IMAGES.slice(0, 3), LEAVING].join('\n')}\n`)
  const previous = await job({
    'images-file': path.join(root, 'previous.txt'),
    'update-tag': String(TAG - 86_400),
    'output-dir': path.join(root, 'previous')
  })
  expect(previous.code).toBe(0)
  expect(await baseIds()).toContain('node:22')
}

async function baseIds(): Promise<string[]> {
  return (await db.query('MATCH (n:DockerScoutPublicImage) RETURN n.id AS id ORDER BY id')).map((row) => String(row.id))
}

async function scansPerImage(): Promise<Map<string, number>> {
  const calls = (await readFile(path.join(state, 'calls.jsonl'), 'utf8').catch(() => ''))
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { image: string })
  const counts = new Map<string, number>()
  for (const call of calls) counts.set(call.image, (counts.get(call.image) ?? 0) + 1)
  return counts
}

/** The graph one job scanning every image gives, after the same previous night. */
async function oneJobGraph() {
  await previousNight()
  const single = await job({
    'images-file': path.join(root, 'images.txt'),
    'update-tag': String(TAG),
    cleanup: 'true',
    'output-dir': path.join(root, 'single')
  })
  expect(single.code).toBe(0)
  const graph = await canonicalGraph(db)
  await db.clear()
  await rm(path.join(state, 'calls.jsonl'), { force: true })
  return graph
}

describe('the sharded matrix, end to end', () => {
  it('scans every image once across legs and ends with the graph of one job scanning them all', async () => {
    const expected = await oneJobGraph()
    await previousNight()
    await rm(path.join(state, 'calls.jsonl'), { force: true })

    const legs = await Promise.all(Array.from({ length: SHARDS }, (_, i) => leg(i + 1)))
    expect(legs.map((result) => result.code)).toEqual([0, 0, 0])
    const scanned = await scansPerImage()
    expect([...scanned.keys()].sort()).toEqual([...IMAGES].sort())
    expect([...scanned.values()].every((count) => count === 1)).toBe(true)
    expect(legs.map((result) => Number(result.outputs['scanned-count'])).reduce((a, b) => a + b, 0)).toBe(IMAGES.length)
    // A leg asked for the dashboard leaves it to the last job.
    const shardDashboard = await job(
      {
        'images-file': path.join(root, 'images.txt'),
        shard: `1/${SHARDS}`,
        'update-tag': String(TAG),
        'output-dir': path.join(root, 'x'),
        dashboard: 'true'
      },
      { GITHUB_API_URL: github.api.url, GITHUB_REPOSITORY: 'o/r' }
    )
    expect(shardDashboard.stdout).toContain(
      '::warning::dashboard: a shard sees only its slice of the images; the last job (`legs`) writes the dashboard'
    )

    // The last job writes the one dashboard issue for every leg's images.
    const dashboard = { dashboard: 'true', 'github-token': 'ghs_matrixToken' }
    const last = await lastJob(dashboard, { GITHUB_API_URL: github.api.url, GITHUB_REPOSITORY: 'o/r' })
    expect(last.code).toBe(0)
    expect(last.stdout).toMatch(/Cleanup removed [1-9]\d* node\(s\) and relationship\(s\)/)
    const dashboards = github.api.issues.filter((issue) => issue.body.startsWith('<!-- scout-graph-action:dashboard'))
    expect(dashboards).toHaveLength(1)
    const kept = readState(dashboards[0].body)
    expect('state' in kept ? kept.state.images.map((image) => image.image).sort() : kept).toEqual([...IMAGES].sort())
    // Each entry names the image its leg scanned, not the report's Target (several share one here).
    expect((JSON.parse(last.outputs.recommendations) as { image: string }[]).map((entry) => entry.image).sort()).toEqual([...IMAGES].sort())
    expect(last.summary).toContain(`**${IMAGES.length}** image(s)`)
    expect(await baseIds()).not.toContain('node:22') // LEAVING's base left with it
    expect(await canonicalGraph(db)).toEqual(expected)
  })

  it('does not let the last job clean up when a leg left no manifest', async () => {
    await previousNight()
    await Promise.all([leg(1), leg(3)]) // leg 2 never uploaded its artifact
    const last = await lastJob()
    expect(last.stdout).toContain('::warning::Cleanup skipped: the matrix is incomplete: leg(s) 2/3 left no manifest')
    expect(await baseIds()).toContain('node:22')
  })

  it('gives the clean graph after re-running a failed leg, then the last job', async () => {
    const expected = await oneJobGraph()
    await previousNight()
    const failing = IMAGES.find((image) => image.includes('team-4/'))
    const first = await Promise.all(Array.from({ length: SHARDS }, (_, i) => leg(i + 1, 1, { DOCKER_SCOUT_FAKE_FAIL: failing })))
    const failedLeg = first.findIndex((result) => JSON.parse(result.outputs['failed-images']).includes(failing)) + 1
    expect(failedLeg).toBeGreaterThan(0)
    const blocked = await lastJob()
    expect(blocked.code).toBe(1) // fail-on error: the leg's failure is the last job's
    expect(blocked.stdout).toContain(`leg ${failedLeg}/${SHARDS} could not scan 1 image(s)`)
    expect(await baseIds()).toContain('node:22')

    // "Re-run failed jobs": the failed leg runs again as attempt 2; the last job takes the newest attempt.
    expect((await leg(failedLeg, 2)).code).toBe(0)
    const last = await lastJob()
    expect(last.code).toBe(0)
    expect(await canonicalGraph(db)).toEqual(expected)
  })
})

describe('the example workflows', () => {
  const inputs = new Set(INPUTS.map((spec) => spec.name))

  for (const name of ['pull-request.yml', 'weekly.yml', 'nightly-matrix.yml', 'code-scanning.yml']) {
    it(`${name} is a workflow whose scout-graph-action steps use only declared inputs`, async () => {
      const workflow = parse(await readFile(path.join(ROOT, 'examples', 'workflows', name), 'utf8')) as {
        on: unknown
        jobs: Record<string, { 'runs-on': string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>
      }
      expect(workflow.on).toBeTruthy()
      const steps = Object.values(workflow.jobs).flatMap((definition) => {
        expect(definition['runs-on']).toBeTruthy()
        for (const step of definition.steps ?? []) expect(Boolean(step.uses) !== Boolean(step.run)).toBe(true)
        return definition.steps ?? []
      })
      const ours = steps.filter((step) => step.uses?.startsWith('org/scout-graph-action@'))
      expect(ours.length).toBeGreaterThan(0)
      for (const step of ours) for (const input of Object.keys(step.with ?? {})) expect(inputs).toContain(input)
    })
  }
})
