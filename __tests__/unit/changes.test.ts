/**
 * What each option of the real fixtures changes, labelled by hand from the report text (the base's rows,
 * the option's details and tags), and the best move under `moves: compatible` and `moves: any`.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { classify, factsOf } from '../../src/moves/changes.js'
import { policyOf } from '../../src/moves/policy.js'
import { parseReport } from '../../src/report/parse.js'
import { COMPATIBLE_MOVES, MOVE_CLASSES } from '../../src/types/moves.js'
import { toEntry } from '../../src/verdict/entry.js'
import { withBestMove } from '../../src/verdict/rank.js'
import { describeMove } from '../../src/verdict/wording.js'
import { CARTOGRAPHY, WILD, fixture } from '../kit/helpers.js'

const NODE25 = {
  options: {
    '25-alpine': ['refresh'],
    // `current` names no version: a floating tag (its Runtime bullet, 22, is the base's own row's value).
    'current-alpine3.23': ['floating'],
    'current-alpine': ['floating', 'unknown'],
    // musl to glibc, and the slim variant of Debian bookworm.
    slim: ['os-family', 'variant', 'floating']
  },
  compatible: '25-alpine',
  any: 'slim'
}
const cases: [string, string, { options: Record<string, string[]>; compatible: string | null; any: string | null }][] = [
  [
    WILD,
    '73junito-debian12-slim-powershell-utf16-cp437-four-changes.txt',
    {
      options: { 'stable-slim': ['floating'], '13-slim': ['os-version'], '13': ['os-version', 'variant'], '12.12': ['variant'] },
      compatible: '13-slim',
      any: 'stable-slim'
    }
  ],
  [WILD, 'cartography-node-25-alpine-anonymized.txt', NODE25],
  [CARTOGRAPHY, 'ecr-recommendation-report.txt', NODE25],
  [
    WILD,
    'keunotor-wik-dps-tp03-node18-alpine-v1.0-windows-blanklines.txt',
    {
      options: { '20-alpine': ['runtime-major'], slim: ['runtime-major', 'os-family', 'variant', 'floating'] },
      compatible: null,
      any: '20-alpine'
    }
  ],
  [
    WILD,
    'lab8-node22-alpine-slim-plus-deltas.txt',
    { options: { slim: ['os-family', 'variant', 'floating'] }, compatible: null, any: 'slim' }
  ],
  [
    WILD,
    // `hydrogen` is Node 18's release name, not a version: moving off it is no floating move.
    'lukagrc-wik-dps-tp03-node18-alpine-v1.0-windows.txt',
    { options: { '20-alpine': ['runtime-major'], slim: ['runtime-major', 'os-family', 'variant'] }, compatible: null, any: '20-alpine' }
  ],
  [
    WILD,
    'minitwit-nginx1-alpine-no-target-header.txt',
    { options: { '1-alpine-slim': ['variant'] }, compatible: null, any: '1-alpine-slim' }
  ],
  [WILD, 'qiita-alpine3-refresh-uptodate-no-tag-recs-dec.txt', { options: {}, compatible: null, any: null }],
  [
    WILD,
    'tiamaria-python311-alpine-v1.17-windows-after.txt',
    { options: { '3.13-alpine': ['runtime-minor'], '3.12-alpine': ['runtime-minor'] }, compatible: '3.13-alpine', any: '3.13-alpine' }
  ],
  [
    WILD,
    // node:22 is Debian in fact, but this report says nothing of its OS: unknown, never a guess.
    'vitkhab-node22-local-prefix.txt',
    { options: { '22-slim': ['variant', 'unknown'], '23-slim': ['runtime-major', 'variant', 'unknown'] }, compatible: null, any: '22-slim' }
  ],
  [
    WILD,
    'vitkhab-node22-slim-local-prefix.txt',
    { options: { '23-slim': ['runtime-major', 'unknown'] }, compatible: null, any: '23-slim' }
  ],
  [
    WILD,
    'vitkhab-node23-slim-local-prefix.txt',
    { options: { '22-slim': ['runtime-downgrade', 'unknown'] }, compatible: null, any: '22-slim' }
  ]
]

describe('what each option of a real report changes', () => {
  for (const [dir, name, expected] of cases) {
    it(`${name}: ${JSON.stringify(expected.options)}`, () => {
      const parsed = parseReport(fixture(dir, name))
      const compatible = withBestMove(toEntry({ source: name, parsed }, policyOf(COMPATIBLE_MOVES)))
      expect(Object.fromEntries(compatible.recommendations.map((option) => [option.tag, option.changes]))).toEqual(expected.options)
      expect(compatible.bestMove?.tag ?? null).toBe(expected.compatible)
      expect(withBestMove(toEntry({ source: name, parsed })).bestMove?.tag ?? null).toBe(expected.any)
    })
  }

  it('says in words what a move changes', () => {
    const entry = toEntry(
      { source: 'x', parsed: parseReport(fixture(WILD, 'lab8-node22-alpine-slim-plus-deltas.txt')) },
      policyOf(COMPATIBLE_MOVES)
    )
    expect(describeMove(entry, entry.recommendations[0])).toBe('Alpine 3.20 → Debian 12, slim variant, floating tag')
    const node18 = toEntry({
      source: 'x',
      parsed: parseReport(fixture(WILD, 'keunotor-wik-dps-tp03-node18-alpine-v1.0-windows-blanklines.txt'))
    })
    expect(describeMove(node18, node18.recommendations[0])).toBe('Node 18.18.2 → 20.8.1')
    // The JSON keeps the details the comparison used.
    expect(node18.recommendations[0]).toMatchObject({
      runtime: '20.8.1',
      os: 'alpine',
      slim: false,
      changes: ['runtime-major'],
      allowed: true
    })
  })
})

describe('tag pairs', () => {
  const facts = (tag: string) => factsOf('node', tag, [], {})
  it('reads versions, OS releases and variants as Docker tags write them', () => {
    expect(classify('update', facts('22.14-alpine3.21'), facts('22.15-alpine3.22'))).toEqual(['runtime-minor', 'os-version'])
    expect(classify('update', facts('3.13-slim-bookworm'), facts('3.13-slim-trixie'))).toEqual(['os-version'])
    expect(classify('update', facts('20-bullseye'), facts('22-jammy'))).toEqual(['runtime-major', 'os-family'])
    expect(classify('update', facts('22'), facts('lts'))).toEqual(['floating', 'unknown'])
    expect(classify('update', facts('22.1'), facts('22.1.4'))).toEqual([])
  })

  it('never calls a move the same as staying, and the same tag changes nothing', () => {
    const tag = fc.tuple(
      fc.nat(30),
      fc.option(fc.nat(20), { nil: undefined }),
      fc.constantFrom('', '-slim', '-alpine3.20', '-alpine3.21', '-bookworm', '-bullseye-slim')
    )
    const written = ([major, minor, suffix]: [number, number | undefined, string]) =>
      `${major}${minor === undefined ? '' : `.${minor}`}${suffix}`
    fc.assert(
      fc.property(tag, tag, (a, b) => {
        const changes = classify('update', facts(written(a)), facts(written(b)))
        expect(classify('update', facts(written(a)), facts(written(a)))).toEqual([])
        for (const change of changes) expect(MOVE_CLASSES).toContain(change)
        // A different major is a runtime move one way or the other; a changed slim is a variant.
        if (a[0] !== b[0]) expect(changes.some((change) => change === 'runtime-major' || change === 'runtime-downgrade')).toBe(true)
        if (a[2].includes('slim') !== b[2].includes('slim')) expect(changes).toContain('variant')
      })
    )
  })
})
