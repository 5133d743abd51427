/** The step's outputs under GitHub's size limit, and the annotations of the images that should move. */
import { describe, expect, it } from 'vitest'
import { annotate, recommendationsJson } from '../../src/outputs/outputs.js'
import type { RecommendationEntry } from '../../src/types/entry.js'
import { CARTOGRAPHY, fixture } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'
import { entryFrom } from '../kit/entries.js'

const ecrText = fixture(CARTOGRAPHY, 'ecr-recommendation-report.txt').toString('utf8')

describe('outputs and annotations', () => {
  it('keeps recommendations under the output limit, images needing action first, and says so', () => {
    const recorded = recordingHost()
    const entries = [
      { image: 'up-to-date', source: 's', status: 'ok' as const, recommendations: [] },
      ...Array.from({ length: 400 }, (_, i) => entryFrom(ecrText, `app-${i}`))
    ]
    const json = recommendationsJson(entries, recorded.host, 100_000)
    expect(json.length).toBeLessThanOrEqual(100_000)
    const kept = JSON.parse(json) as RecommendationEntry[]
    expect(kept.length).toBeGreaterThan(10)
    expect(kept.every((entry) => entry.recommendations.length > 0 && entry.recommendations.every((r) => r.benefits.length === 0))).toBe(
      true
    )
    expect(recorded.warnings[0].message).toMatch(new RegExp(`holds ${kept.length} of 401 entries, without benefit texts`))
    expect(recommendationsJson(entries.slice(0, 2), recorded.host)).toBe(JSON.stringify(entries.slice(0, 2)))
    // GitHub counts the output in UTF-8 bytes: 300 causes in Japanese are 45,000 characters but 110,000 bytes.
    const cause = '名前解決に失敗しました'.repeat(10)
    const failures = Array.from({ length: 300 }, (_, i) => ({
      image: `svc-${i}`,
      source: 's',
      status: 'failed' as const,
      error: cause,
      recommendations: []
    }))
    const capped = recommendationsJson(failures, recorded.host, 50_000)
    expect(capped.length).toBeLessThan(JSON.stringify(failures).length)
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(50_000)
    expect((JSON.parse(capped) as RecommendationEntry[])[0].error).toBe(cause)
  })

  it('annotates the first 10 images that should update, and counts the rest', async () => {
    const recorded = recordingHost()
    await annotate(
      Array.from({ length: 12 }, (_, i) => entryFrom(ecrText, `app-${String(i).padStart(2, '0')}`)),
      new Map(),
      recorded.host
    )
    expect(recorded.warnings).toHaveLength(10)
    expect(recorded.warnings[0]).toEqual({
      message:
        'app-00: base image node:25-alpine should move: update node:slim (removes 2 high, 1 medium; adds 9 low); refresh node:25-alpine (removes 2 high); ' +
        'update node:current-alpine3.23 (removes 2 high); update node:current-alpine (removes 2 high)',
      place: { title: 'Base image update' }
    })
    expect(recorded.lines).toContain('2 more image(s) should update; see the job summary')
  })
})
