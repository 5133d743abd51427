import { describe, expect, it } from 'vitest'
import { parseReport } from '../../src/report/parse.js'
import { ECR_BENEFITS_REFRESH, SLIM_ALIASES } from '../kit/expected-graph.js'
import { CARTOGRAPHY, WILD, fixture, fixtureFiles } from '../kit/helpers.js'

const NODE_25_SUPPORTED = ['25-alpine3.23', 'alpine', 'alpine3.23', 'current-alpine', 'current-alpine3.23']

describe('Cartography fixtures: the values Cartography gets', () => {
  it('reads the ECR report', () => {
    const report = parseReport(fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt'))
    expect(report.status).toBe('report')
    expect(report.target).toBe('registry.example.test/example/app:1.2.3')
    expect(report.digest).toBe('ecr000000000000')
    expect(report.base).toMatchObject({
      name: 'node',
      tag: '25-alpine',
      supportedTags: NODE_25_SUPPORTED,
      digest: 'sha256:e75468deb6a0d82fc49a7c566d016862dbdb9bd90e7ef31aee95c547c8e591ef',
      size: '59 MB',
      flavor: 'alpine',
      osVersion: '3.23',
      runtime: '22',
      pushed: '4 weeks ago',
      packages: '184',
      vulnerabilities: { critical: 0, high: 6, medium: 2, low: 1, unspecified: 0 }
    })
    expect(report.recommendations.map((r) => [r.kind, r.tag])).toEqual([
      ['refresh', '25-alpine'],
      ['update', 'current-alpine3.23'],
      ['update', 'current-alpine'],
      ['update', 'slim']
    ])
    const [refresh, , currentAlpine, slim] = report.recommendations
    expect(refresh.benefits).toEqual(ECR_BENEFITS_REFRESH)
    expect(refresh).toMatchObject({ headline: 'Newer image for same tag', pushed: '2 days ago', size: '60 MB', runtime: '25.8.1' })
    expect(refresh.aliases).toEqual(['25.8.1-alpine', '25.8.1-alpine3.23', '25.8-alpine', '25.8-alpine3.23', '25-alpine3.23'])
    expect(currentAlpine.aliases).toEqual([])
    expect(currentAlpine.benefits.at(-1)).toBe('current-alpine was pulled 21K times last month')
    expect(slim.aliases).toEqual(SLIM_ALIASES)
    expect(slim.benefits).toEqual([
      'Tag is preferred tag',
      'Tag was pushed more recently',
      'Tag is using slim variant',
      'slim was pulled 17K times last month'
    ])
    // The delta row (-2 -1 +9) is not a count row.
    expect(slim.vulnerabilities).toEqual({ critical: 0, high: 4, medium: 1, low: 10, unspecified: 0 })
    expect(slim.flavor).toBeUndefined()
  })

  it('reads the GitLab report with its own digest', () => {
    const report = parseReport(fixture(CARTOGRAPHY, 'gitlab-recommendation-report.txt'))
    expect(report.digest).toBe('gl00000000000000')
  })

  it('reads CRLF and a registry port, splitting the base at the last colon', () => {
    const report = parseReport(fixture(CARTOGRAPHY, 'variant-crlf-registry-port-report.txt'))
    expect(report.target).toBe('registry.example.test:5000/example/app:1.2.3')
    expect(report.base?.name).toBe('registry.example.test:5000/node')
    expect(report.base?.tag).toBe('25-alpine')
    expect(JSON.stringify(report)).not.toContain('\r')
    const ecr = parseReport(fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt'))
    expect(report.recommendations).toEqual(ecr.recommendations)
  })

  it('joins supported tags wrapped over several lines', () => {
    const wrapped = parseReport(fixture(CARTOGRAPHY, 'variant-wrapped-supported-tags-report.txt'))
    const ecr = parseReport(fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt'))
    expect(wrapped.base?.supportedTags).toEqual(NODE_25_SUPPORTED)
    expect(wrapped).toEqual(ecr)
  })

  it('skips a file that is not a report, with a reason', () => {
    const report = parseReport(fixture(CARTOGRAPHY, 'variant-invalid-not-a-report.txt'))
    expect(report.status).toBe('not-a-report')
    expect(report.reason).toMatch(/Base image is/)
  })

  it('calls invalid UTF-8 undecodable', () => {
    const report = parseReport(fixture(CARTOGRAPHY, 'variant-invalid-utf8-bad-report.bin'))
    expect(report).toMatchObject({ status: 'undecodable', reason: 'not valid UTF-8 text' })
  })
})

describe('reports from the wild', () => {
  it('reads the CLI 1.0 header, Windows glyphs and blank lines between rows', () => {
    const report = parseReport(fixture(WILD, 'keunotor-wik-dps-tp03-node18-alpine-v1.0-windows-blanklines.txt'))
    expect(report.status).toBe('report')
    expect(report.target).toBe('test:latest')
    expect(report.digest).toBeUndefined()
    // Wrapped mid-tag: "18-" / "alpine3.18" and "lts-" / "alpine".
    expect(report.base?.supportedTags).toEqual([
      '18-alpine3.18',
      '18.18-alpine',
      '18.18-alpine3.18',
      '18.18.2-alpine',
      '18.18.2-alpine3.18',
      'hydrogen-alpine',
      'hydrogen-alpine3.18',
      'lts-alpine',
      'lts-alpine3.18'
    ])
    expect(report.recommendations.map((r) => r.tag)).toEqual(['20-alpine', 'slim'])
    expect(report.recommendations[1].vulnerabilities.low).toBe(17)
    expect(report.recommendations[0].aliases).toHaveLength(9)
  })

  it('takes the Name row over the tag of the base line', () => {
    const report = parseReport(fixture(WILD, 'lukagrc-wik-dps-tp03-node18-alpine-v1.0-windows.txt'))
    expect(report.target).toBe('wik-dps-tp02')
    expect(report.base).toMatchObject({ name: 'node', tag: 'hydrogen-alpine3.18', lineTag: '18-alpine' })
  })

  it('reads DEC line drawing and the unspecified column', () => {
    const report = parseReport(fixture(WILD, 'qiita-alpine3-scout-demo-v1-dec-line-drawing.txt'))
    expect(report).toMatchObject({ status: 'report', target: 'shotaohtsuka/scout-demo:v1', digest: 'a3eaeba5365f' })
    expect(report.base?.vulnerabilities).toEqual({ critical: 2, high: 16, medium: 7, low: 0, unspecified: 1 })
    expect(report.base?.supportedTags).toEqual(['latest'])
    expect(report.recommendations.map((r) => `${r.kind}:${r.tag}`)).toEqual(['refresh:3', 'update:3.16', 'update:3.18', 'update:3.17'])
    expect(report.recommendations[0].aliases).toEqual(['3.19.1', '3.19', 'latest'])
    expect(report.recommendations[0].benefits).toContain('3 was pulled 251K times last month')
  })

  it('reads an up-to-date report as one without recommendations', () => {
    const report = parseReport(fixture(WILD, 'qiita-alpine3-refresh-uptodate-no-tag-recs-dec.txt'))
    expect(report.status).toBe('report')
    expect(report.base?.supportedTags).toEqual(['3.19', '3.19.1', 'latest'])
    expect(report.recommendations).toEqual([])
  })

  it('flags a base Scout could not identify, with empty digest and counts left unknown', () => {
    const report = parseReport(fixture(WILD, 'ptblog-nginx-stable-alpine-unknown-base-empty-digest-windows.txt'))
    expect(report.status).toBe('unidentified-base')
    expect(report.reason).toMatch(/not an all-clear/)
    expect(report.base).toMatchObject({ name: '', tag: '1.28-alpine-slim', size: '0 B' })
    expect(report.base?.digest).toBeUndefined()
    expect(report.base?.vulnerabilities).toBeUndefined()
  })

  it('reads a capture without a Target block', () => {
    const report = parseReport(fixture(WILD, 'minitwit-nginx1-alpine-no-target-header.txt'))
    expect(report.status).toBe('report')
    expect(report.target).toBeUndefined()
    expect(report.base).toMatchObject({ name: 'nginx', tag: '1-alpine', runtime: '1.27.4' })
    expect(report.recommendations.map((r) => r.tag)).toEqual(['1-alpine-slim'])
    expect(report.recommendations[0]).toMatchObject({ size: '5.4 MB', headline: 'Minor runtime version update' })
  })

  it('reads space-padded supported tags that wrap without the bar', () => {
    const report = parseReport(fixture(WILD, 'tiamaria-python311-alpine-v1.17-windows-after.txt'))
    expect(report.base?.supportedTags).toEqual(['3.11-alpine3.21', '3.11.12-alpine', '3.11.12-alpine3.21'])
    expect(report.recommendations.map((r) => r.tag)).toEqual(['3.13-alpine', '3.12-alpine'])
  })

  it('drops the rows a terminal redraw repeated, says so, and keeps the rest', () => {
    const garbled = parseReport(fixture(WILD, 'tiamaria-python311-alpine-v1.17-windows-garbled-redraw.txt'))
    const clean = parseReport(fixture(WILD, 'tiamaria-python311-alpine-v1.17-windows-after.txt'))
    expect(garbled.recommendations).toEqual(clean.recommendations)
    expect(garbled.warnings).toHaveLength(1)
    expect(garbled.warnings[0]).toMatch(/repeated row.*3\.12-alpine/)
  })

  it('reads local:// targets, long padding and the ? column', () => {
    const report = parseReport(fixture(WILD, 'vitkhab-node22-local-prefix.txt'))
    expect(report).toMatchObject({ target: 'local://vitkhab/serverless:3.40.0-22', digest: '271280766dd4' })
    expect(report.base?.vulnerabilities).toEqual({ critical: 0, high: 3, medium: 7, low: 129, unspecified: 4 })
    expect(report.recommendations.map((r) => r.tag)).toEqual(['22-slim', '23-slim'])
    expect(report.recommendations[0].vulnerabilities).toEqual({ critical: 0, high: 0, medium: 2, low: 23, unspecified: 0 })
  })

  it('parses every wild fixture to a report or a flagged base', () => {
    const statuses = fixtureFiles(WILD).map((name) => [name, parseReport(fixture(WILD, name)).status])
    expect(statuses.filter(([, status]) => status !== 'report')).toEqual([
      ['ptblog-nginx-stable-alpine-unknown-base-empty-digest-windows.txt', 'unidentified-base']
    ])
  })
})

describe('what is not a report', () => {
  it('recognises Scout error output as a failed scan (the contract: status failed, counted by fail-on error)', () => {
    expect(parseReport('ERROR   Status: unauthorized, Code: 1\n')).toMatchObject({
      status: 'scout-error',
      reason: expect.stringMatching(/unauthorized/)
    })
    expect(parseReport('    ! Error: image has no base image\n')).toMatchObject({ status: 'no-base-image' })
  })

  it('refuses a file too large to be a report without reading it as text', () => {
    expect(parseReport(new Uint8Array(17 * 1024 * 1024)).status).toBe('undecodable')
  })

  it('needs a name:tag on the base line', () => {
    expect(parseReport('  Base image is  node\n').status).toBe('not-a-report')
  })
})
