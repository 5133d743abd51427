import { describe, expect, it } from 'vitest'
import { buildDelta, serializeDelta, type IngestedReport } from '../../src/graph/delta.js'
import { NODES, RELATIONSHIPS, propertyNames } from '../../src/graph/schema.js'
import { compareCodePoints } from '../../src/util/compare.js'
import { parseReport } from '../../src/report/parse.js'
import { EXPECTED_SCENARIO_1, TAG } from '../kit/expected-graph.js'
import { CARTOGRAPHY, WILD, fixture, fixtureFiles } from '../kit/helpers.js'

const ingest = (dir: string, name: string, source = name): IngestedReport => ({ source, parsed: parseReport(fixture(dir, name)) })

describe('the graph delta of the Cartography fixtures', () => {
  const delta = buildDelta(
    [ingest(CARTOGRAPHY, 'gitlab-recommendation-report.txt'), ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt')],
    'cartography',
    TAG
  )

  it('equals expected.md scenario 1 exactly', () => {
    expect(delta).toEqual(EXPECTED_SCENARIO_1)
  })

  it('writes properties in schema order and the same bytes every time', () => {
    const again = buildDelta(
      [ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt'), ingest(CARTOGRAPHY, 'gitlab-recommendation-report.txt')],
      'cartography',
      TAG
    )
    expect(serializeDelta(again)).toBe(serializeDelta(delta))
    expect(Object.keys(delta.nodes[1].properties)).toEqual([
      'name',
      'tag',
      'alternative_tags',
      'size',
      'flavor',
      'os',
      'runtime',
      'is_slim'
    ])
    expect(serializeDelta(delta)).not.toMatch(/null/)
  })

  it('gives the CRLF/registry-port variant the same graph under prefixed ids', () => {
    const crlf = buildDelta([ingest(CARTOGRAPHY, 'variant-crlf-registry-port-report.txt')], 'cartography', TAG)
    expect(crlf.nodes.map((node) => node.id)).toEqual([
      'registry.example.test:5000/node:25-alpine',
      'registry.example.test:5000/node:25-alpine',
      'registry.example.test:5000/node:current-alpine',
      'registry.example.test:5000/node:current-alpine3.23',
      'registry.example.test:5000/node:slim'
    ])
    expect(crlf.nodes[4].properties.alternative_tags).toEqual(EXPECTED_SCENARIO_1.nodes[4].properties.alternative_tags)
  })

  it('gives the wrapped-tags variant the graph of the unwrapped report', () => {
    const wrapped = buildDelta([ingest(CARTOGRAPHY, 'variant-wrapped-supported-tags-report.txt', 'x')], 'cartography', TAG)
    const plain = buildDelta([ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt', 'x')], 'cartography', TAG)
    expect(wrapped).toEqual(plain)
  })

  it('lists skipped and failed reports with their reasons and writes nothing for them', () => {
    const mixed = buildDelta(
      [
        ingest(CARTOGRAPHY, 'variant-invalid-not-a-report.txt'),
        ingest(CARTOGRAPHY, 'variant-invalid-utf8-bad-report.bin'),
        ingest(WILD, 'ptblog-nginx-stable-alpine-unknown-base-empty-digest-windows.txt')
      ],
      'cartography',
      TAG
    )
    expect(mixed.nodes).toEqual([])
    expect(mixed.reports.map((report) => [report.source.slice(0, 22), report.status])).toEqual([
      ['ptblog-nginx-stable-al', 'skipped'],
      ['variant-invalid-not-a-', 'skipped'],
      ['variant-invalid-utf8-b', 'failed']
    ])
    expect(mixed.reports[2].reason).toBe('not valid UTF-8 text')
  })
})

describe('many reports', () => {
  it('apply in code-point order: later properties win, relationships accumulate', () => {
    // Both name node:22-slim: as the current base in one, as a recommendation in the other.
    const a = ingest(WILD, 'vitkhab-node22-slim-local-prefix.txt', 'a.txt')
    const b = ingest(WILD, 'vitkhab-node23-slim-local-prefix.txt', 'b.txt')
    const forward = buildDelta([a, b], 'cartography', TAG)
    expect(buildDelta([b, a], 'cartography', TAG)).toEqual(forward)
    const slim22 = forward.nodes.find((node) => node.label === 'DockerScoutPublicImageTag' && node.id === 'node:22-slim')
    // b.txt (the later one) recommends 22-slim with its aliases and 22.14.0 runtime details.
    expect(slim22?.properties.alternative_tags).toEqual(b.parsed.recommendations[0].aliases)
    expect(forward.relationships.filter((rel) => rel.type === 'SHOULD_UPDATE_TO').map((rel) => `${rel.from.id}->${rel.to.id}`)).toEqual([
      'node:22-slim->node:23-slim',
      'node:23-slim->node:22-slim'
    ])
  })

  it('links a DEC line-drawing capture that prints a digest, and a capture without a Target block to nothing', () => {
    const dec = buildDelta([ingest(WILD, 'qiita-alpine3-scout-demo-v1-dec-line-drawing.txt')], 'cartography', TAG)
    expect(dec.imageLinks.map((link) => [link.digestPrefix, link.to.id])).toEqual([['a3eaeba5365f', 'alpine:3']])
    const noTarget = buildDelta([ingest(WILD, 'minitwit-nginx1-alpine-no-target-header.txt')], 'cartography', TAG)
    expect(noTarget.imageLinks).toEqual([])
    expect(noTarget.nodes.length).toBeGreaterThan(0)
  })

  it('compares names by code point, as Python sorts them', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBeGreaterThan(0)
    expect(['b', 'B', 'a'].sort(compareCodePoints)).toEqual(['B', 'a', 'b'])
    // Against a plain code-point comparison, on strings mixing BMP, private-use and astral characters.
    const pool = ['a', 'é', '\uE000', '\uFFFF', '\u{10000}', '\u{1F600}', 'z']
    const strings = Array.from({ length: 200 }, (_, i) =>
      [pool[i % 7], pool[(i * 3) % 7], pool[(i * 5) % 7]].slice(0, 1 + (i % 3)).join('')
    )
    const byCodePoints = (a: string, b: string) => {
      const [x, y] = [[...a].map((c) => c.codePointAt(0) ?? 0), [...b].map((c) => c.codePointAt(0) ?? 0)]
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i]
      return x.length - y.length
    }
    expect([...strings].sort(compareCodePoints)).toEqual([...strings].sort(byCodePoints))
  })
})

describe('extended mode', () => {
  const delta = buildDelta([ingest(CARTOGRAPHY, 'ecr-recommendation-report.txt')], 'extended', TAG)

  it('keeps every Cartography property and adds its own names', () => {
    const base = delta.nodes.find((node) => node.label === 'DockerScoutPublicImage')
    expect(base?.properties).toMatchObject({
      ...EXPECTED_SCENARIO_1.nodes[0].properties,
      scout_critical: 0,
      scout_high: 6,
      scout_medium: 2,
      scout_low: 1,
      scout_unspecified: 0
    })
    const toSlim = delta.relationships.find((rel) => rel.to.id === 'node:slim')
    expect(toSlim?.properties).toMatchObject({ fix_high: 2, fix_medium: 1, scout_kind: 'update' })
    expect(delta.nodes.find((node) => node.id === 'node:slim')?.properties).toMatchObject({ scout_high: 4, scout_low: 10 })
  })

  it('links the scanned image to its base', () => {
    expect(delta.nodes).toContainEqual({
      label: 'ScoutGraphImage',
      id: 'registry.example.test/example/app:1.2.3',
      properties: { reference: 'registry.example.test/example/app:1.2.3', digest: 'ecr000000000000' }
    })
    expect(delta.relationships).toContainEqual({
      type: 'SCOUT_BUILT_ON',
      from: { label: 'ScoutGraphImage', id: 'registry.example.test/example/app:1.2.3' },
      to: { label: 'DockerScoutPublicImage', id: 'node:25-alpine' },
      properties: {}
    })
  })
})

describe('the schema says where every value comes from', () => {
  const reports = [
    ...fixtureFiles(CARTOGRAPHY).map((name) => ingest(CARTOGRAPHY, name)),
    ...fixtureFiles(WILD).map((name) => ingest(WILD, name))
  ]
  for (const mode of ['cartography', 'extended'] as const) {
    it(`emits in ${mode} mode only properties the schema lists for that mode, each with its source`, () => {
      const delta = buildDelta(reports, mode, TAG)
      expect(delta.nodes.length).toBeGreaterThan(20)
      for (const node of delta.nodes) {
        const schema = NODES.find((candidate) => candidate.label === node.label)
        expect(schema, node.label).toBeDefined()
        expect(
          Object.keys(node.properties).every((name) => propertyNames(schema!, mode).includes(name)),
          node.id
        ).toBe(true)
      }
      for (const relationship of delta.relationships) {
        const schema = RELATIONSHIPS.find((candidate) => candidate.type === relationship.type)
        expect(schema, relationship.type).toBeDefined()
        expect(Object.keys(relationship.properties).every((name) => propertyNames(schema!, mode).includes(name))).toBe(true)
      }
      const extendedOnly = delta.nodes.filter((node) => node.label === 'ScoutGraphImage')
      expect(extendedOnly.length > 0).toBe(mode === 'extended')
    })
  }
  it('names a source for every property', () => {
    for (const schema of [...NODES, ...RELATIONSHIPS]) for (const ref of schema.properties) expect(ref.from, ref.name).not.toBe('')
  })
})
