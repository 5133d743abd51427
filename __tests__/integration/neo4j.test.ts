/**
 * The Neo4j push against a real Neo4j 5.26, and against Cartography itself on the same database.
 */
import { cp, mkdtemp, readdir, readFile, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import neo4j from 'neo4j-driver'
import { describe, expect, it } from 'vitest'
import { buildDelta, type GraphDelta, type IngestedReport } from '../../src/graph/delta.js'
import { runPipeline } from '../../src/pipeline.js'
import { compareStates, stateOf } from '../../src/dashboard/state.js'
import { toEntry } from '../../src/verdict/entry.js'
import { parseReport } from '../../src/report/parse.js'
import { buildSettings } from '../../src/settings/index.js'
import { WordedError } from '../../src/messages.js'
import { pushGraph, serverTooOld } from '../../src/sinks/neo4j.js'
import { VERSION } from '../../src/version.js'
import { EXPECTED_SCENARIO_1, TAG } from '../kit/expected-graph.js'
import { CARTOGRAPHY, WILD, fixture, fixtureFiles, runAction } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'
import { runCartography } from '../kit/services/cartography.js'
import { freePort } from '../kit/http.js'
import { canonicalGraph, type TestNeo4j, useNeo4j } from '../kit/services/neo4j.js'
import type { GraphMode, Neo4jSettings } from '../../src/types/settings.js'

let db: TestNeo4j

useNeo4j((started) => (db = started))

function target(overrides: Partial<Neo4jSettings> = {}): Neo4jSettings {
  return { uri: db.uri, user: db.user, password: db.password, cleanup: false, retrySeconds: 5, ...overrides }
}

const ingest = (dir: string, name: string): IngestedReport => ({ source: name, parsed: parseReport(fixture(dir, name)) })

function deltaOf(reports: IngestedReport[], mode: GraphMode = 'cartography', updateTag = TAG): GraphDelta {
  return buildDelta(reports, mode, updateTag)
}

const SCENARIO_1 = () =>
  deltaOf([ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt'), ingest(CARTOGRAPHY, 'gitlab-recommendation-report.txt')])

/** expected.md scenario 1: the two Image nodes the upstream test creates before its sync. */
async function seedScenarioImages(): Promise<void> {
  await db.query('UNWIND $images AS image CREATE (:Image {id: image.id, _ont_digest: image.digest, lastupdated: $tag})', {
    tag: neo4j.int(TAG),
    images: [
      { id: 'image-for-sha256:ecr00000000', digest: `sha256:ecr${'0'.repeat(61)}` },
      { id: 'image-for-sha256:gl000000000', digest: `sha256:gl${'0'.repeat(62)}` }
    ]
  })
}

const BOOKKEEPING = ['id', 'lastupdated', 'firstseen', '_module_name', '_module_version']
const withoutBookkeeping = (properties: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(properties).filter(([key]) => !BOOKKEEPING.includes(key)))
const numbers = (properties: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, neo4j.isInt(value) ? value.toNumber() : value]))

describe('a push', () => {
  it('gives exactly the graph of expected.md scenario 1, read back from Neo4j', async () => {
    await seedScenarioImages()
    await pushGraph(SCENARIO_1(), target(), false, recordingHost().host)

    const nodes = await db.query(
      'MATCH (n) WHERE n:DockerScoutPublicImage OR n:DockerScoutPublicImageTag RETURN labels(n)[0] AS label, n.id AS id, properties(n) AS properties ORDER BY label, id'
    )
    expect(
      nodes.map((node) => ({ label: node.label, id: node.id, properties: numbers(withoutBookkeeping(node.properties as never)) }))
    ).toEqual(EXPECTED_SCENARIO_1.nodes)
    const relationships = await db.query(
      `MATCH (a:DockerScoutPublicImage)-[r]->(b) RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS properties
       ORDER BY type, from, to`
    )
    expect(
      relationships.map((rel) => ({
        type: rel.type,
        from: { label: 'DockerScoutPublicImage', id: rel.from },
        to: { label: 'DockerScoutPublicImageTag', id: rel.to },
        properties: numbers(withoutBookkeeping(rel.properties as never))
      }))
    ).toEqual(EXPECTED_SCENARIO_1.relationships)
    const builtOn = await db.query(
      'MATCH (i:Image)-[r:BUILT_ON]->(p) RETURN i.id AS image, p.id AS base, properties(r) AS properties ORDER BY image'
    )
    expect(builtOn.map((row) => [row.image, row.base, withoutBookkeeping(row.properties as never)])).toEqual([
      ['image-for-sha256:ecr00000000', 'node:25-alpine', { _sub_resource_label: 'DockerScout', _sub_resource_id: 'global' }],
      ['image-for-sha256:gl000000000', 'node:25-alpine', { _sub_resource_label: 'DockerScout', _sub_resource_id: 'global' }]
    ])
  })

  it('stamps everything with INTEGER update tag, module name and version, firstseen only on create', async () => {
    await seedScenarioImages()
    await pushGraph(SCENARIO_1(), target(), false, recordingHost().host)
    const stamped = await db.query(
      `MATCH (n) WHERE n:DockerScoutPublicImage OR n:DockerScoutPublicImageTag RETURN n AS element
       UNION ALL MATCH ()-[r]->(:DockerScoutPublicImage|DockerScoutPublicImageTag) RETURN r AS element`
    )
    expect(stamped).toHaveLength(5 + 7)
    for (const { element } of stamped as { element: { properties: Record<string, unknown> } }[]) {
      const { lastupdated, firstseen, _module_name, _module_version } = element.properties
      expect(neo4j.isInt(lastupdated) && (lastupdated as neo4j.Integer).toNumber()).toBe(TAG)
      expect(neo4j.isInt(firstseen)).toBe(true)
      expect([_module_name, _module_version]).toEqual(['cartography:docker_scout', VERSION])
    }
    const [fix] = await db.query("MATCH ()-[r:SHOULD_UPDATE_TO]->({id: 'node:slim'}) RETURN r.fix_high AS high, r.fix_low AS low")
    expect(neo4j.isInt(fix.high)).toBe(true)
    expect(fix.low).toBeNull()

    const before = await db.query('MATCH (n:DockerScoutPublicImageTag) RETURN n.id AS id, n.firstseen AS firstseen ORDER BY id')
    const again = await pushGraph(
      deltaOf([ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt')], 'cartography', TAG + 1),
      target(),
      false,
      recordingHost().host
    )
    expect(again.nodesCreated).toBe(0)
    expect(await db.query('MATCH (n:DockerScoutPublicImageTag) RETURN n.id AS id, n.firstseen AS firstseen ORDER BY id')).toEqual(before)
    const [tags] = await db.query('MATCH (n:DockerScoutPublicImageTag) RETURN collect(DISTINCT n.lastupdated) AS tags')
    expect((tags.tags as neo4j.Integer[]).map(Number)).toEqual([TAG + 1])
  })

  it('is idempotent: a second push of the same delta changes nothing', async () => {
    await seedScenarioImages()
    const first = await pushGraph(SCENARIO_1(), target(), false, recordingHost().host)
    const graph = await canonicalGraph(db)
    const second = await pushGraph(SCENARIO_1(), target(), false, recordingHost().host)
    expect(first.nodesCreated).toBe(5)
    expect(first.relationshipsCreated).toBe(7)
    expect([second.nodesCreated, second.relationshipsCreated]).toEqual([0, 0])
    expect(await canonicalGraph(db)).toEqual(graph)
  })

  it('removes a property that a later push no longer has, as Cartography’s SET to null does', async () => {
    const node22 = ingest(WILD, 'vitkhab-node22-slim-local-prefix.txt')
    await pushGraph(deltaOf([node22]), target(), false, recordingHost().host)
    const [before] = await db.query('MATCH (n:DockerScoutPublicImage) RETURN n.version AS version, n.digest AS digest')
    expect(before.version).not.toBeNull()
    const stripped = structuredClone(node22)
    if (stripped.parsed.base) delete stripped.parsed.base.runtime
    await pushGraph(deltaOf([stripped]), target(), false, recordingHost().host)
    const [after] = await db.query('MATCH (n:DockerScoutPublicImage) RETURN n.version AS version, n.digest AS digest')
    expect(after).toEqual({ version: null, digest: before.digest })
  })
})

/** Every fixture report, under unique names, in one folder: the source both writers read. */
async function fixtureFolder(names: { dir: string; name: string }[]): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'sg-interop-'))
  for (const { dir, name } of names) await cp(path.join(dir, name), path.join(folder, name))
  return folder
}

/** Image nodes the reports' digests match, in every shape Cartography's rule accepts or refuses. */
async function seedImagesFor(delta: GraphDelta): Promise<void> {
  const images: { id: string | null; digest: string }[] = [{ id: 'unrelated', digest: `sha256:${'f'.repeat(64)}` }]
  for (const { digestPrefix: prefix } of delta.imageLinks) {
    const full = (prefix + '0'.repeat(64)).slice(0, 64)
    images.push(
      { id: `canonical-${prefix}`, digest: `sha256:${full}` },
      { id: `canonical-${prefix}`, digest: `sha256:${'e'.repeat(64)}` }, // shares an id with a match: linked too
      { id: `upper-hex-${prefix}`, digest: `sha256:${full.toUpperCase()}` },
      { id: `upper-scheme-${prefix}`, digest: `SHA256:${full}` },
      { id: `bare-${prefix}`, digest: full },
      { id: `doubled-${prefix}`, digest: `sha256:sha256:${full}` },
      { id: null, digest: `sha256:${full}` }
    )
  }
  await db.query('UNWIND $images AS image CREATE (i:Image {_ont_digest: image.digest}) SET i.id = image.id', { images })
}

describe('changed since the last scan', () => {
  it('names the recommendations a base gained and lost since the previous update tag', async () => {
    const now = Math.floor(Date.now() / 1000)
    const before = ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt')
    const first = await pushGraph(deltaOf([before], 'cartography', now - 600), target(), false, recordingHost().host)
    expect(first.changes).toEqual([]) // a base seen for the first time is not news
    // That push was "last night": move its creation times an hour back, before this run's update tag.
    await db.query('MATCH (n) SET n.firstseen = n.firstseen - 3600000')
    await db.query('MATCH ()-[r]->() SET r.firstseen = r.firstseen - 3600000')

    const after = structuredClone(before)
    const slim = after.parsed.recommendations.find((recommendation) => recommendation.tag === 'slim')
    after.parsed.recommendations = after.parsed.recommendations.filter((recommendation) => recommendation.tag !== 'current-alpine')
    if (slim) after.parsed.recommendations.push({ ...slim, tag: 'lts-alpine', aliases: [] })
    const second = await pushGraph(deltaOf([after], 'cartography', now), target(), false, recordingHost().host)
    expect(second.changes).toEqual([{ base: 'node:25-alpine', gained: ['lts-alpine'], lost: ['current-alpine'] }])

    // The dashboard, which compares the state kept in its issue without Neo4j, sees the same news.
    const state = (report: IngestedReport, at: string) => stateOf([toEntry({ source: report.source, parsed: report.parsed })], at)
    const dashboard = compareStates(state(before, '2026-11-22T05:00:00Z'), state(after, '2026-11-23T05:00:00Z'))
    const bases = [...new Set([...dashboard.newTags, ...dashboard.goneTags].map(({ base }) => base))]
    expect(
      bases.map((base) => ({
        base,
        gained: dashboard.newTags.filter((change) => change.base === base).flatMap((change) => change.tags),
        lost: dashboard.goneTags.filter((change) => change.base === base).flatMap((change) => change.tags)
      }))
    ).toEqual(second.changes)

    // An update tag that is not a recent time (like the tests' 123456789) cannot tell "before" apart.
    expect((await pushGraph(deltaOf([after]), target(), false, recordingHost().host)).changes).toBeUndefined()
  })
})

describe('against Cartography on the same database', () => {
  const all = (dir: string) => fixtureFiles(dir).map((name) => ({ dir, name }))
  /** Reports that Cartography reads as this action does (the non-reports among them are skipped by both). */
  const CLEAN = [
    ...all(CARTOGRAPHY),
    ...[
      'cartography-node-25-alpine-anonymized.txt',
      'vitkhab-node22-local-prefix.txt',
      'vitkhab-node22-slim-local-prefix.txt',
      'vitkhab-node23-slim-local-prefix.txt'
    ].map((name) => ({ dir: WILD, name }))
  ]
  /** Terminal captures whose supported tags or `Slim │ v` Cartography misreads (docs/graph.md, "Intended differences"). */
  const TERMINAL = ['lab8-node22-alpine-slim-plus-deltas.txt', 'tiamaria-python311-alpine-v1.17-windows-after.txt'].map((name) => ({
    dir: WILD,
    name
  }))

  async function both(reports: { dir: string; name: string }[]) {
    const folder = await fixtureFolder(reports)
    const names = (await readdir(folder)).sort()
    const delta = deltaOf(names.map((name) => ({ source: name, parsed: parseReport(fixture(folder, name)) })))
    return { folder, delta }
  }

  it('writes the graph Cartography writes from the same reports and update tag', async () => {
    const { folder, delta } = await both(CLEAN)
    expect(delta.reports.filter((report) => report.status === 'parsed')).toHaveLength(8)
    await seedImagesFor(delta)
    await runCartography(db, folder, TAG)
    const theirs = await canonicalGraph(db)
    expect(theirs.relationships.filter((rel) => rel.includes('"BUILT_ON"')).length).toBeGreaterThan(10)

    await db.clear()
    await seedImagesFor(delta)
    await pushGraph(delta, target(), false, recordingHost().host)
    expect(await canonicalGraph(db)).toEqual(theirs)

    // Cartography after this action, on the same database: it succeeds and changes nothing.
    await runCartography(db, folder, TAG)
    expect(await canonicalGraph(db)).toEqual(theirs)
  })

  it('pushes onto a graph Cartography wrote (and its indexes), and the graph stays Cartography’s', async () => {
    const { folder, delta } = await both(CLEAN)
    await seedImagesFor(delta)
    await runCartography(db, folder, TAG)
    const theirs = await canonicalGraph(db)
    const { lines, host } = recordingHost()
    await pushGraph(delta, target(), false, host)
    expect(lines.filter((line) => line.startsWith('warning'))).toEqual([])
    expect(await canonicalGraph(db)).toEqual(theirs)
    const constraints = await db.query('SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type RETURN labelsOrTypes[0] AS label, type')
    expect(constraints.map((row) => row.label).sort()).toEqual(['DockerScoutPublicImage', 'DockerScoutPublicImageTag', 'ScoutGraphImage'])
    await runCartography(db, folder, TAG + 1)
    const [stamps] = await db.query(
      'MATCH (n:DockerScoutPublicImage|DockerScoutPublicImageTag) RETURN collect(DISTINCT n.lastupdated) AS tags'
    )
    expect(stamps.tags).toEqual([neo4j.int(TAG + 1)])
  })

  it('adds the extended names without disturbing Cartography, run before and after it', async () => {
    const { folder, delta } = await both(CLEAN)
    await seedImagesFor(delta)
    await runCartography(db, folder, TAG)
    const theirs = await canonicalGraph(db)
    const extended = deltaOf(
      delta.reports.map((report) => ({ source: report.source, parsed: parseReport(fixture(folder, report.source)) })),
      'extended'
    )
    await pushGraph(extended, target(), false, recordingHost().host)
    await runCartography(db, folder, TAG)
    const after = await canonicalGraph(db)
    expect(after.nodes.filter((line) => line.includes('ScoutGraphImage'))).toHaveLength(
      extended.nodes.filter((node) => node.label === 'ScoutGraphImage').length
    )
    expect(after.relationships.filter((line) => line.includes('SCOUT_BUILT_ON')).length).toBeGreaterThan(0)
    expect(after.nodes.some((line) => line.includes('"scout_high"'))).toBe(true)
    expect(after.relationships.some((line) => line.includes('"scout_changes":["os-family","variant","floating"]'))).toBe(true)
    const cartographyPart = (graph: typeof after) => ({
      nodes: graph.nodes
        .filter((line) => !line.includes('ScoutGraphImage'))
        .map((line) => line.replace(/"scout_[a-z]+":("[a-z]+"|\{"int":\d+\}),/g, '')),
      relationships: graph.relationships
        .filter((line) => !line.includes('SCOUT_BUILT_ON'))
        .map((line) => line.replace(/,"scout_changes":\[[^\]]*\]/g, '').replace(/,"scout_kind":"[a-z]+"/g, ''))
    })
    expect(cartographyPart(after)).toEqual(theirs)
  })

  it('differs on terminal captures only where docs/graph.md says: supported tags and the Windows ✓', async () => {
    const { folder, delta } = await both(TERMINAL)
    await seedImagesFor(delta)
    await runCartography(db, folder, TAG)
    const theirs = await canonicalGraph(db)
    await db.clear()
    await seedImagesFor(delta)
    await pushGraph(delta, target(), false, recordingHost().host)
    const ours = await canonicalGraph(db)
    expect(ours).not.toEqual(theirs)
    const setAside = (graph: typeof ours) =>
      graph.nodes.map((line) => line.replace(/"alternative_tags":\[[^\]]*\],|"is_slim":(true|false),/g, '')).sort()
    expect(setAside(ours)).toEqual(setAside(theirs))
    expect(ours.relationships).toEqual(theirs.relationships)
  })
})

const countOf = async (query: string): Promise<number> => Number((await db.query(query))[0].n)

describe('cleanup', () => {
  it('deletes what other update tags wrote, as Cartography’s cleanup does, and never an Image', async () => {
    const ecr = ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt')
    const node22 = ingest(WILD, 'vitkhab-node22-local-prefix.txt')
    const folders = [
      await fixtureFolder([{ dir: CARTOGRAPHY, name: ecr.source }]),
      await fixtureFolder([{ dir: WILD, name: node22.source }])
    ]
    await seedScenarioImages()
    await runCartography(db, folders[0], TAG)
    await runCartography(db, folders[1], TAG + 1)
    const theirs = await canonicalGraph(db)

    await db.clear()
    await seedScenarioImages()
    await pushGraph(deltaOf([ecr]), target(), false, recordingHost().host)
    const { host, lines } = recordingHost()
    const result = await pushGraph(deltaOf([node22], 'cartography', TAG + 1), target({ cleanup: true }), true, host)
    expect(await canonicalGraph(db)).toEqual(theirs)
    // 5 nodes, their BUILT_FROM and 4 SHOULD_UPDATE_TO, and the ECR image's BUILT_ON.
    expect(result.deleted).toBe(5 + 5 + 1)
    expect(lines).toContain(`Cleanup removed 11 node(s) and relationship(s) without update tag ${TAG + 1}`)
    expect(await countOf('MATCH (i:Image) RETURN count(i) AS n')).toBe(2)
    expect(await countOf('MATCH ()-[r:BUILT_ON]->() RETURN count(r) AS n')).toBe(0)
  })

  async function pipelineRun(reports: string[], updateTag: number) {
    const { host, lines } = recordingHost()
    const settings = await buildSettings(
      {
        reports: reports.join('\n'),
        'neo4j-uri': db.uri,
        'neo4j-password': db.password,
        cleanup: 'true',
        'update-tag': String(updateTag),
        'output-dir': await mkdtemp(path.join(os.tmpdir(), 'sg-cleanup-')),
        'fail-on': 'none'
      },
      { env: {}, matchReports: async (patterns) => patterns, now: Date.now }
    )
    const result = await runPipeline(settings, host)
    return { result, lines }
  }

  it('is skipped when a report cannot be read, or nothing was ingested, and the push still lands', async () => {
    await pushGraph(deltaOf([ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt')]), target(), false, recordingHost().host)
    const unreadable = await pipelineRun(
      [path.join(WILD, 'vitkhab-node22-local-prefix.txt'), path.join(CARTOGRAPHY, 'variant-invalid-utf8-bad-report.bin')],
      TAG + 1
    )
    expect(unreadable.result.errors).toEqual([])
    expect(unreadable.lines).toContain('warning: Cleanup skipped: 1 report(s) could not be read (as Cartography, cleanup never runs then)')
    expect(await countOf(`MATCH (n:DockerScoutPublicImage) RETURN count(n) AS n`)).toBe(2)

    const nothing = await pipelineRun([path.join(CARTOGRAPHY, 'variant-invalid-not-a-report.txt')], TAG + 2)
    expect(nothing.lines).toContain('warning: Cleanup skipped: nothing was read: no report among the 1 file(s) matched')
    expect(nothing.result.errors).toEqual(['nothing was read: no report among the 1 file(s) matched'])
    expect(await countOf(`MATCH (n:DockerScoutPublicImage) RETURN count(n) AS n`)).toBe(2)

    const clean = await pipelineRun([path.join(WILD, 'vitkhab-node22-local-prefix.txt')], TAG + 3)
    expect(clean.lines.filter((line) => line.includes('Cleanup skipped'))).toEqual([])
    expect(clean.lines.some((line) => line.startsWith('Cleanup removed'))).toBe(true)
    expect(await db.query('MATCH (n:DockerScoutPublicImage) RETURN n.id AS id')).toEqual([{ id: 'node:22' }])
  })
})

/** `count` reports like the ECR one, each on a base of its own: a push big enough to interrupt. */
function syntheticDelta(count: number, updateTag = TAG): GraphDelta {
  const template = parseReport(fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt'))
  const reports = Array.from({ length: count }, (_, index): IngestedReport => {
    const parsed = structuredClone(template)
    if (parsed.base) parsed.base.name = `registry.example.test/team-${index}/node`
    parsed.digest = index.toString(16).padStart(12, '0')
    return { source: `report-${index}.txt`, parsed }
  })
  return deltaOf(reports, 'cartography', updateTag)
}

describe('under a matrix', () => {
  it('takes 8 concurrent pushes of overlapping deltas without a duplicate or a loss', async () => {
    const files = [
      ...fixtureFiles(CARTOGRAPHY).map((name) => ({ dir: CARTOGRAPHY, name })),
      ...fixtureFiles(WILD).map((name) => ({ dir: WILD, name }))
    ]
    const deltas = Array.from({ length: 8 }, (_, leg) =>
      deltaOf(files.filter((_, index) => index % 8 !== leg && (index + leg) % 3 !== 0).map(({ dir, name }) => ingest(dir, name)))
    )
    const results = await Promise.all(deltas.map((delta) => pushGraph(delta, target({ retrySeconds: 60 }), false, recordingHost().host)))
    const union = (pick: (delta: GraphDelta) => string[]) => new Set(deltas.flatMap(pick))
    const nodeKeys = union((delta) => delta.nodes.map((node) => `${node.label} ${node.id}`))
    const relationshipKeys = union((delta) => delta.relationships.map((rel) => `${rel.type} ${rel.from.id} ${rel.to.id}`))
    expect(results.reduce((sum, result) => sum + result.nodesCreated, 0)).toBe(nodeKeys.size)
    expect(results.reduce((sum, result) => sum + result.relationshipsCreated, 0)).toBe(relationshipKeys.size)

    const nodes = await db.query('MATCH (n:DockerScoutPublicImage|DockerScoutPublicImageTag) RETURN labels(n)[0] + " " + n.id AS key')
    expect(nodes.map((row) => row.key).sort()).toEqual([...nodeKeys].sort())
    const relationships = await db.query(
      'MATCH (a:DockerScoutPublicImage)-[r]->(b:DockerScoutPublicImageTag) RETURN type(r) + " " + a.id + " " + b.id AS key'
    )
    expect(relationships.map((row) => row.key).sort()).toEqual([...relationshipKeys].sort())
  })

  it('fails clearly when the server dies mid-push, lands nothing partial, and a re-run completes the graph', async () => {
    const delta = syntheticDelta(2000)
    const { host } = recordingHost()
    let settled = false
    const push = pushGraph(delta, target({ retrySeconds: 2 }), false, host).finally(() => (settled = true))
    // Kill the server once the write transaction has started writing.
    while (!settled) {
      const running = await db.query('SHOW TRANSACTIONS YIELD currentQuery RETURN currentQuery').catch(() => [])
      if (running.some((row) => String(row.currentQuery).startsWith('UNWIND $rows'))) break
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    expect(settled).toBe(false)
    await db.kill()
    const error = await push.then(
      () => undefined,
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(WordedError)
    const message = (error as Error).message
    expect(message).toMatch(new RegExp(`^(cannot reach Neo4j at ${db.uri}|Neo4j push to ${db.uri} failed)`))
    expect(message).not.toContain('\n')
    expect(message).not.toContain(db.password)

    await db.restart()
    expect(await countOf('MATCH (n:DockerScoutPublicImage) RETURN count(n) AS n')).toBe(0)
    await pushGraph(delta, target(), false, recordingHost().host)
    expect(await countOf('MATCH (n:DockerScoutPublicImage|DockerScoutPublicImageTag) RETURN count(n) AS n')).toBe(delta.nodes.length)
    expect(await countOf('MATCH (:DockerScoutPublicImage)-[r]->() RETURN count(r) AS n')).toBe(delta.relationships.length)
  })
})

describe('errors', () => {
  it('names an unreachable server, a wrong password and a missing database in one line, without the password', async () => {
    const attempts: [Partial<Neo4jSettings>, RegExp][] = [
      [{ uri: `bolt://127.0.0.1:${await freePort()}` }, /^cannot reach Neo4j at bolt:\/\/127\.0\.0\.1:\d+: /],
      [{ password: 'not-the-password-0451' }, /^Neo4j at bolt:\/\/127\.0\.0\.1:\d+ refused user "neo4j": wrong user name or password$/],
      [{ database: 'nosuchdb' }, /^Neo4j at bolt:\/\/127\.0\.0\.1:\d+ has no database "nosuchdb"; check neo4j-database$/]
    ]
    for (const [settings, expected] of attempts) {
      const error = await pushGraph(SCENARIO_1(), target({ retrySeconds: 1, ...settings }), false, recordingHost().host).catch(
        (caught: unknown) => caught as Error
      )
      expect(error).toBeInstanceOf(WordedError)
      expect((error as Error).message).toMatch(expected)
      expect((error as Error).message).not.toMatch(/not-the-password-0451|\n/)
    }
  })

  it('refuses a server older than the Cypher needs', () => {
    expect(serverTooOld('Neo4j/5.22.0')).toBe('Neo4j/5.22.0 is too old: scout-graph-action (like Cartography) needs Neo4j 5.23 or later')
    expect(serverTooOld('Neo4j/4.4.40')).toMatch(/too old/)
    expect(serverTooOld('Neo4j/5.26.30')).toBeUndefined()
    expect(serverTooOld('Neo4j/2025.10.1')).toBeUndefined()
  })
})

describe('the action (dist/index.js) with neo4j-uri', () => {
  it('pushes, and on a wrong password fails the step with one line while keeping outputs and reports', async () => {
    const inputs = { reports: `${CARTOGRAPHY}/*.txt`, 'neo4j-uri': db.uri, 'update-tag': String(TAG), 'fail-on': 'none' }
    const pushed = await runAction({ ...inputs, 'neo4j-password': db.password })
    expect(
      pushed.code,
      pushed.stdout
        .split('\n')
        .filter((l) => l.startsWith('::error'))
        .join('\n')
    ).toBe(0)
    expect(pushed.stdout).toContain('Pushed 10 node(s)')
    expect(await countOf('MATCH (n:DockerScoutPublicImage) RETURN count(n) AS n')).toBe(2)

    const secret = 'wrong-Secret-0451'
    const refused = await runAction({ ...inputs, 'neo4j-password': secret })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toMatch(/^::error::Neo4j at bolt:\/\/127\.0\.0\.1:\d+ refused user "neo4j": wrong user name or password$/m)
    expect(JSON.parse(refused.outputs.recommendations)).toHaveLength(5)
    const files = await readdir(refused.temp, { recursive: true })
    expect(files).toContain(path.join('scout-graph', 'graph.json'))
    // The runner consumes `::add-mask::` itself; everything else would reach the log.
    expect(refused.stdout).toContain(`::add-mask::${secret}\n`)
    const logged = refused.stdout.replaceAll(`::add-mask::${secret}\n`, '')
    const everything = [logged, refused.stderr, refused.summary, JSON.stringify(refused.outputs)].join('\n')
    expect(everything).not.toContain(secret)
    for (const file of files) {
      const full = path.join(refused.temp, String(file))
      if ((await stat(full)).isFile()) expect(await readFile(full, 'utf8')).not.toContain(secret)
    }
  })
})
