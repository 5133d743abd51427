/**
 * Real captures the parser must read as Scout wrote them (Windows PowerShell redirects), and the ways a
 * text can be partial that must never read as an all-clear.
 */
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { toEntry } from '../../src/verdict/entry.js'
import { parseReport } from '../../src/report/parse.js'
import { CARTOGRAPHY, WILD, fixture, fixtureFiles } from '../kit/helpers.js'

const POWERSHELL = '73junito-debian12-slim-powershell-utf16-cp437-four-changes.txt'

/** What PowerShell 5.1 does to Scout's UTF-8 on `> file`: the console decodes it through a code page, CRLF, UTF-16. */
function powershellCapture(utf8: Buffer, codePage: string, encoding: 'utf-16le' | 'utf-16be', bom: boolean): Buffer {
  const consoleText = iconv.decode(utf8, codePage).replace(/\r?\n/g, '\r\n')
  return iconv.encode(consoleText, encoding === 'utf-16le' ? 'utf16le' : 'utf16be', { addBOM: bom })
}

describe('Windows PowerShell captures', () => {
  it('reads the real UTF-16LE capture through code page 437 as the report Scout wrote', () => {
    const report = parseReport(fixture(WILD, POWERSHELL))
    expect(report.status).toBe('report')
    expect(report.target).toBe('ghcr.io/73junito/lms-api:latest')
    expect(report.digest).toBe('b407041af58e')
    expect(report.base).toMatchObject({
      name: 'debian',
      tag: '12-slim',
      digest: 'sha256:ef5c368548841bdd8199a8606f6307402f7f2a2f8edc4acbc9c1c70c340bc023',
      vulnerabilities: { critical: 0, high: 0, medium: 1, low: 24, unspecified: 0 },
      supportedTags: ['12.12-slim', 'bookworm-20251208-slim', 'bookworm-slim'],
      flavor: 'debian',
      size: '28 MB'
    })
    expect(report.recommendations.map((r) => [r.kind, r.tag])).toEqual([
      ['update', 'stable-slim'],
      ['update', '13-slim'],
      ['update', '13'],
      ['update', '12.12']
    ])
    expect(report.recommendations[0]).toMatchObject({
      headline: 'Tag is preferred tag',
      aliases: ['stable-20251208-slim'],
      vulnerabilities: { critical: 0, high: 0, medium: 1, low: 20, unspecified: 0 },
      benefits: expect.arrayContaining(['Image introduces no new vulnerability but removes 4', 'Tag is using slim variant']) as unknown
    })
    expect(JSON.stringify(report)).not.toMatch(/[ΓÔ]ö|ΓÇ/)
  })

  const clean = [
    [CARTOGRAPHY, 'ecr-recommendation-report.txt'],
    [WILD, 'vitkhab-node22-local-prefix.txt'],
    [WILD, 'qiita-alpine3-scout-demo-v1-dec-line-drawing.txt'],
    [WILD, 'lab8-node22-alpine-slim-plus-deltas.txt']
  ] as const
  const codePages = ['cp437', 'cp850', 'cp858', 'cp1252', 'cp865', 'cp852']
  for (const [dir, name] of clean) {
    it(`reads ${name} through every western console code page, UTF-16 LE and BE, with and without a BOM`, () => {
      const original = fixture(dir, name)
      const expected = parseReport(original)
      expect(expected.status).toBe('report')
      for (const codePage of codePages) {
        for (const [encoding, bom] of [
          ['utf-16le', true],
          ['utf-16be', true],
          ['utf-16le', false],
          ['utf-16be', false]
        ] as const) {
          expect(parseReport(powershellCapture(original, codePage, encoding, bom)), `${codePage} ${encoding} bom=${bom}`).toEqual(expected)
        }
      }
    })
  }

  /**
   * The block Windows PowerShell 5.1 wraps around a native command's stderr, in the console's language: its
   * letters are real (PowerShell writes them), not Scout's UTF-8 misread. Each with the code page of its console.
   */
  const nativeCommandErrors = [
    ['cp850', 'es', 'En línea: 1 Carácter: 87'],
    ['cp850', 'fr', 'Au caractère Ligne:1 : 1'],
    ['cp850', 'de', 'In Zeile:1 Zeichen:1'],
    ['cp850', 'pt', 'Na linha:1 caractere:1'],
    ['cp858', 'es', 'En línea: 1 Carácter: 87'],
    ['cp1252', 'fr', 'Au caractère Ligne:1 : 1'],
    ['cp437', 'en', 'At line:1 char:1'],
    ['cp852', 'cs', 'Na řádku:1 znak:1'],
    ['cp852', 'pl', 'W wierszu:1 znak:1 – błąd'],
    ['cp1250', 'hu', 'Hely sor:1 karakter:1 – hibás']
  ] as const
  for (const [codePage, language, where] of nativeCommandErrors) {
    it(`reads a ${codePage} capture with PowerShell's error block in ${language}, keeping its real letters`, () => {
      const original = fixture(WILD, 'vitkhab-node22-local-prefix.txt')
      const block = [
        'docker : Analyzing image...',
        where,
        '+ docker scout recommendations node:22 > report.txt',
        '+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~',
        '    + CategoryInfo          : NotSpecified: (Analyzing image...:String) [], RemoteException',
        '    + FullyQualifiedErrorId : NativeCommandError',
        ''
      ].join('\r\n')
      // PowerShell writes its own block as text; Scout's stdout went through the console's code page.
      const consoleText = block + iconv.decode(original, codePage).replace(/\r?\n/g, '\r\n')
      const capture = iconv.encode(consoleText, 'utf16le', { addBOM: true })
      const report = parseReport(capture)
      expect(report).toEqual(parseReport(original))
    })
  }

  it('reads UTF-16 of a report whose box drawing survived (PowerShell 7, a UTF-8 console)', () => {
    const original = fixture(WILD, 'vitkhab-node22-local-prefix.txt')
    const utf16 = iconv.encode(original.toString('utf8').replace(/\n/g, '\r\n'), 'utf16le', { addBOM: true })
    expect(parseReport(utf16)).toEqual(parseReport(original))
  })

  it('refuses odd-length UTF-16 and mojibake that no code page undoes, never reading it as a report', () => {
    const capture = fixture(WILD, POWERSHELL)
    expect(parseReport(capture.subarray(0, capture.length - 1))).toMatchObject({ status: 'undecodable' })
    const text = new TextDecoder('utf-16le').decode(capture)
    const damaged = Buffer.from(text.replace('Γöé', 'Γöé\u4e00'), 'utf8')
    expect(parseReport(damaged)).toMatchObject({ status: 'undecodable', reason: expect.stringContaining('code page') as unknown })
  })
})

describe('never a false all-clear', () => {
  const vitkhab = fixture(WILD, 'vitkhab-node22-local-prefix.txt').toString('utf8')
  const lines = vitkhab.split('\n')
  const at = (title: string): number => lines.findIndex((line) => line.startsWith(title))

  it('a capture cut before both sections is failed, with the reason', () => {
    const report = parseReport(lines.slice(0, at('Refresh base image')).join('\n'))
    expect(report.status).toBe('incomplete')
    expect(report.reason).toMatch(/^incomplete report: /)
    const entry = toEntry({ source: 'cut.txt', parsed: report })
    expect(entry.status).toBe('failed')
    expect(entry.recommendations).toEqual([])
  })

  it('a section title with nothing under it is failed', () => {
    const report = parseReport(lines.slice(0, at('Change base image') + 2).join('\n'))
    expect(report).toMatchObject({ status: 'incomplete', reason: expect.stringContaining('Change base image') as unknown })
  })

  it('a table cut inside its last record is failed', () => {
    const benefits = lines.findIndex((line) => line.includes('23-slim ') && line.includes('Benefits:'))
    expect(parseReport(lines.slice(0, benefits + 4).join('\n'))).toMatchObject({
      status: 'incomplete',
      reason: expect.stringContaining('"23-slim"') as unknown
    })
  })

  it('a table whose rows lost their bars is failed', () => {
    expect(parseReport(vitkhab.replaceAll('│', ' ')).status).toBe('incomplete')
  })

  it('the header without a base image line is failed, not skipped', () => {
    const header = lines
      .slice(
        0,
        lines.findIndex((line) => line.includes('Base image is'))
      )
      .join('\n')
    expect(parseReport(header).status).toBe('incomplete')
  })

  it('one section alone is whole (--only-refresh, --only-update)', () => {
    const refreshOnly = parseReport(lines.slice(0, at('Change base image')).join('\n'))
    expect(refreshOnly.status).toBe('report')
    const updateOnly = parseReport([...lines.slice(0, at('Refresh base image')), ...lines.slice(at('Change base image'))].join('\n'))
    expect(updateOnly.status).toBe('report')
    expect(updateOnly.recommendations.map((r) => r.tag)).toEqual(['22-slim', '23-slim'])
  })

  it('both all-clear lines make an up-to-date report', () => {
    const report = parseReport(fixture(WILD, 'qiita-alpine3-refresh-uptodate-no-tag-recs-dec.txt'))
    expect(report.status).toBe('report')
    expect(report.recommendations).toEqual([])
  })
})

describe('wrapped supported tags', () => {
  it('joins a backticked tag split at a line end, as Cartography reads the unwrapped note', () => {
    const ecr = fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt').toString('utf8')
    const wrapped = ecr.replace('`25-alpine3.23`', '`25-\n  │ alpine3.23`').replace('`current-alpine`', '`current\n  │ -alpine`')
    expect(wrapped).not.toBe(ecr)
    expect(parseReport(wrapped).base?.supportedTags).toEqual(parseReport(ecr).base?.supportedTags)
    expect(parseReport(wrapped).base?.supportedTags).toContain('25-alpine3.23')
  })
})

describe('hostile values', () => {
  const ecr = fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt').toString('utf8')
  it('refuses a base reference far longer than any image name', () => {
    const report = parseReport(ecr.replace('Base image is  node:25-alpine', `Base image is  ${'a:'.repeat(100_000)}a`))
    expect(report).toMatchObject({ status: 'undecodable', reason: expect.stringContaining('characters long') as unknown })
  })
  it('refuses a tag far longer than any image tag', () => {
    const report = parseReport(ecr.replace('25-alpine3.23', 'x'.repeat(5000)))
    expect(report.status).toBe('undecodable')
  })
})

describe('every real report cut at any line', () => {
  const reports = [
    ...fixtureFiles(CARTOGRAPHY).map((name) => fixture(CARTOGRAPHY, name)),
    ...fixtureFiles(WILD).map((name) => fixture(WILD, name))
  ]
    .map((bytes) => ({ bytes, whole: parseReport(bytes) }))
    .filter(({ whole }) => whole.status === 'report')

  const values = (report: ReturnType<typeof parseReport>) =>
    report.recommendations.map(({ kind, tag, headline, benefits, vulnerabilities }) => ({ kind, tag, headline, benefits, vulnerabilities }))

  it('is failed, or a prefix of the whole report with the same values', () => {
    expect(reports.length).toBeGreaterThan(10)
    let cuts = 0
    for (const { bytes, whole } of reports) {
      // The PowerShell capture is cut as PowerShell would have written the shorter text.
      const utf16 = bytes[0] === 0xff
      const lines = (utf16 ? new TextDecoder('utf-16le').decode(bytes) : bytes.toString('utf8')).split('\n')
      const encode = (text: string) => (utf16 ? iconv.encode(text, 'utf16le', { addBOM: true }) : text)
      const header = lines.findIndex((line) => /Target|Recommended fixes|Base image is/.test(line))
      const firstSection = lines.findIndex((line) => /^\s*(Refresh|Change) base image/.test(line))
      const wholeValues = values(whole)
      for (let cut = Math.max(header + 1, 1); cut < lines.length; cut++) {
        const report = parseReport(encode(lines.slice(0, cut).join('\n')))
        cuts++
        if (cut <= firstSection) expect(report.status, `cut at ${cut}`).toBe('incomplete')
        if (report.status !== 'report') {
          expect(toEntry({ source: 'cut', parsed: report }).status).toBe('failed')
          continue
        }
        expect(report.base).toEqual(whole.base)
        const got = values(report)
        expect(got, `cut at line ${cut}`).toEqual(wholeValues.slice(0, got.length))
      }
    }
    expect(cuts).toBeGreaterThan(500)
  })
})

describe('reports copied from a workflow log', () => {
  const stamp = (index: number) => `2026-11-30T05:00:${String(index % 60).padStart(2, '0')}.${String(1234567 + index).slice(0, 7)}Z`
  for (const [dir, name] of [
    [WILD, 'vitkhab-node22-local-prefix.txt'],
    [CARTOGRAPHY, 'ecr-recommendation-report.txt'],
    [WILD, 'lab8-node22-alpine-slim-plus-deltas.txt']
  ] as const) {
    it(`reads ${name} with the runner's timestamp on every line and the log's group lines around it`, () => {
      const original = fixture(dir, name).toString('utf8')
      const logged = [
        '##[group]Run docker scout recommendations ghcr.io/acme/api:1',
        'docker scout recommendations ghcr.io/acme/api:1',
        'shell: /usr/bin/bash -e {0}',
        '##[endgroup]',
        ...original.split('\n'),
        '##[group]Run actions/upload-artifact@v4',
        '##[endgroup]'
      ]
        .map((line, index) => `${stamp(index)} ${line}`)
        .join('\n')
      expect(parseReport(logged)).toEqual(parseReport(original))
    })
  }

  it('leaves a report alone whose own lines merely start with a date', () => {
    const original = fixture(WILD, 'vitkhab-node22-local-prefix.txt').toString('utf8')
    expect(parseReport(`note written 2026-11-30T05:00:00Z\n${original}`)).toEqual(parseReport(original))
  })
})

describe("Scout's failure saved in place of a report", () => {
  const panic = [
    'panic: runtime error: invalid memory address or nil pointer dereference',
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1b1c4f5]',
    '',
    'goroutine 1 [running]:',
    'github.com/docker/scout-cli-plugin/internal/commands/recommendations.(*options).run(0xc000500000)',
    '\t/go/src/github.com/docker/scout-cli-plugin/internal/commands/recommendations/recommendations.go:123 +0x3f5',
    ''
  ].join('\n')
  it('is a failed scan, naming the panic, never a file that is merely not a report', () => {
    const report = parseReport(`    ✓ SBOM of image already cached, 217 packages indexed\n${panic}`)
    expect(report).toMatchObject({
      status: 'scout-error',
      reason: 'Scout failed instead of writing a report: panic: runtime error: invalid memory address or nil pointer dereference'
    })
    const entry = toEntry({ source: 'crash.txt', parsed: report })
    expect(entry).toMatchObject({ status: 'failed', error: expect.stringContaining('panic: runtime error') as unknown })
  })

  it('takes an ERROR line at the top for a failed scan, and prose that mentions errors for no report', () => {
    expect(parseReport('    ✓ Pulled\nERROR image not found: registry.example.test/app:9\n')).toMatchObject({
      status: 'scout-error',
      reason: 'Scout failed instead of writing a report: ERROR image not found: registry.example.test/app:9'
    })
    expect(
      parseReport('Error: unknown flag: --outptu\nUsage:\n  docker scout recommendations [IMAGE|DIRECTORY|ARCHIVE] [flags]\n').status
    ).toBe('scout-error')
    const notes = ['# Notes', '', ...Array.from({ length: 30 }, (_, i) => `line ${i}`), 'ERROR handling is described below.'].join('\n')
    expect(parseReport(notes).status).toBe('not-a-report')
  })
})
