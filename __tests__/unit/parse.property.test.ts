import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseReport } from '../../src/report/parse.js'
import { CARTOGRAPHY, WILD, fixture, fixtureFiles } from '../kit/helpers.js'

const STATUSES = ['report', 'unidentified-base', 'no-base-image', 'not-a-report', 'incomplete', 'undecodable']
const corpus = [
  ...fixtureFiles(CARTOGRAPHY).map((name) => fixture(CARTOGRAPHY, name).toString('utf8')),
  ...fixtureFiles(WILD).map((name) => fixture(WILD, name).toString('utf8'))
]
const reports = corpus.filter((text) => parseReport(text).status === 'report')

/** Pieces real reports are made of, to build hostile near-reports from. */
const piece = fc.constantFrom(
  '│',
  '─',
  '┼',
  '•',
  '✓',
  ' ',
  '\n',
  '\r\n',
  'Target',
  'digest',
  'Base image is',
  ':',
  '`',
  'supported tag(s)',
  'Benefits:',
  'Image details:',
  '• ',
  '0C',
  '12H',
  '?',
  'Refresh base image',
  'Change base image',
  '\x1b[1m',
  '\ufeff'
)

describe('parseReport never throws and always classifies', () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expect(STATUSES).toContain(parseReport(bytes).status)
      }),
      { numRuns: 500 }
    )
  })

  it('on strings made of report pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 400 }), (parts) => {
        const report = parseReport(parts.join(''))
        expect(STATUSES).toContain(report.status)
        if (report.status === 'report') expect(report.base?.name).not.toBe('')
      }),
      { numRuns: 500 }
    )
  })

  it('on real reports with lines dropped, repeated or cut', () => {
    const mutation = fc.tuple(
      fc.constantFrom(...corpus),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'repeat', 'cut')), { maxLength: 20 })
    )
    fc.assert(
      fc.property(mutation, ([text, edits]) => {
        const lines = text.split('\n')
        for (const [at, edit] of edits) {
          const i = at % Math.max(lines.length, 1)
          if (edit === 'drop') lines.splice(i, 1)
          else if (edit === 'repeat') lines.splice(i, 0, lines[i] ?? '')
          else lines[i] = (lines[i] ?? '').slice(0, at % 40)
        }
        expect(STATUSES).toContain(parseReport(lines.join('\n')).status)
      }),
      { numRuns: 300 }
    )
  })

  it('on a megabyte of hostile repetition (linear time: a backtracking parser would not finish)', () => {
    const hostile = [
      `  Target   │ ${' '.repeat(1 << 20)}`,
      `Base image is a:b\n${'  │ supported tag(s) `'.repeat(1 << 15)}`,
      `Base image is a:b\nChange base image\n${'x │ Benefits: │ │ 1C\n'.repeat(1 << 15)}`,
      `Base image is a:b\n  Vulnerabilities │ ${'9'.repeat(1 << 20)}C`,
      '\n'.repeat(1 << 20)
    ]
    for (const text of hostile) expect(STATUSES).toContain(parseReport(text).status)
  })
})

describe('results are stable under line-ending and padding changes', () => {
  const variant = fc.record({
    crlf: fc.boolean(),
    bom: fc.boolean(),
    padding: fc.array(fc.nat(), { maxLength: 30 }),
    ansi: fc.boolean()
  })
  it('CRLF, a BOM, trailing spaces and colour codes change nothing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...reports), variant, (text, { crlf, bom, padding, ansi }) => {
        const lines = text.split('\n')
        for (const at of padding) lines[at % lines.length] += ' '.repeat((at % 7) + 1)
        let changed = lines
          .map((line) => (ansi && line.includes('Base image is') ? `\x1b[1m${line}\x1b[0m` : line))
          .join(crlf ? '\r\n' : '\n')
        if (bom) changed = `\ufeff${changed}`
        expect(parseReport(changed)).toEqual(parseReport(text))
      }),
      { numRuns: 200 }
    )
  })
})
