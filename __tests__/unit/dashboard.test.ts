/**
 * The dashboard issue against the local stand-in of GitHub's REST API: created once, found again across
 * pages, rewritten with what changed since the last run, left closed when a person closed it, and safe
 * with a hand-edited state, at thousands of images, and without permission.
 */
import { describe, expect, it } from 'vitest'
import { dashboardMarker, ISSUE_LIMIT, renderDashboard } from '../../src/dashboard/render.js'
import { publishDashboard } from '../../src/github/dashboard-issue.js'
import { encodeState, readState } from '../../src/dashboard/state.js'
import type { RecommendationEntry } from '../../src/types/entry.js'
import { failedEntry, outdatedEntry, upToDateEntry } from '../kit/entries.js'
import { recordingHost } from '../kit/host.js'
import { renderGfm, visibleText } from '../kit/render.js'
import { FAST_GITHUB, RATE_LIMITS, useGithubApi } from '../kit/services/github-api.js'

const FIRST: RecommendationEntry[] = [
  outdatedEntry('app:1', 'node:20', [0, 0, 3, 0], [{ tag: '22', counts: [0, 0, 0, 0] }]),
  outdatedEntry('app:2', 'python:3.11', [0, 1, 0, 0], [{ tag: '3.13', counts: [0, 0, 0, 0] }]),
  outdatedEntry('app:3', 'alpine:3.20', [0, 0, 1, 0], [{ tag: '3.21', counts: [0, 0, 0, 0] }]),
  failedEntry('gone:1', 'image not found')
]
const SECOND: RecommendationEntry[] = [
  outdatedEntry(
    'app:1',
    'node:20',
    [0, 2, 3, 0],
    [
      { tag: '22', counts: [0, 0, 0, 0] },
      { tag: '24', counts: [0, 0, 0, 1] }
    ]
  ),
  upToDateEntry('app:2', 'python:3.13'),
  outdatedEntry('app:3', 'alpine:3.20', [0, 0, 1, 0], [{ tag: '3.22', counts: [0, 0, 0, 0] }]),
  outdatedEntry('new:1', 'debian:12', [0, 0, 0, 4], [{ tag: '13', counts: [0, 0, 0, 0] }])
]

describe('the dashboard issue', () => {
  const { api, github } = useGithubApi()
  let runs = 100
  /** One scheduled run (a new run id each time, unless a re-run of one is asked for), as the dashboard stage makes it. */
  const write = (
    entries: RecommendationEntry[],
    title = 'Base image recommendations',
    at = new Date('2026-11-23T05:00:00Z'),
    runId = String(++runs)
  ) => {
    const recorded = recordingHost()
    const marker = dashboardMarker('o/r', title)
    const target = { title, marker, token: 'ghs_dashboardToken77', github: github({ runId }), repository: 'o/r' }
    const context = { marker, at, run: runId, runUrl: `https://github.com/o/r/actions/runs/${runId}` }
    return {
      recorded,
      written: publishDashboard(target, (previous) => renderDashboard(entries, previous, context), recorded.host, FAST_GITHUB)
    }
  }
  const dashboards = () => api.issues.filter((issue) => issue.body.startsWith('<!-- scout-graph-action:dashboard'))
  const opening = (body: string) => body.slice(body.indexOf('### What changed'), body.indexOf('## Docker Scout'))

  it('is created on the first run, then found again across pages and rewritten with exactly what changed', async () => {
    const first = write(FIRST)
    expect(await first.written).toBe('https://github.com/o/r/issues/103')
    expect(dashboards()).toHaveLength(1)
    expect(dashboards()[0].title).toBe('Base image recommendations')
    expect(dashboards()[0].body).toContain('This is the first run of this dashboard: there is nothing to compare with yet.')
    // Other people's issues pile up on top of it: it is found on a later page.
    for (const number of [200, 201, 202, 203])
      api.issues.push({ number, title: 'x', body: 'y', state: 'open', userType: 'User', authorAssociation: 'NONE' })
    api.calls.length = 0

    const second = write(SECOND, undefined, new Date('2026-11-24T05:00:00Z'))
    expect(await second.written).toBe('https://github.com/o/r/issues/103')
    expect(api.calls.filter((call) => call.method === 'GET').length).toBeGreaterThan(1)
    expect(api.calls.filter((call) => call.method === 'POST')).toEqual([])
    expect(dashboards()).toHaveLength(1)
    expect(opening(dashboards()[0].body)).toBe(
      [
        '### What changed since the last run (2026-11-23 05:00:00 UTC)',
        '',
        '- 🚨 **Should move now** (new): `app:1`',
        '- 🆕 **Newly recommended**:',
        '  - `app:1` on `node:20`: `node:24`',
        '  - `app:3` on `alpine:3.20`: `alpine:3.22`',
        '- ✅ **No longer recommended**:',
        '  - `app:3` on `alpine:3.20`: `alpine:3.21`',
        '- 🔀 **Moved to another base**:',
        '  - `app:2`: `python:3.11` → `python:3.13`',
        '- 📈 **Base vulnerabilities rose**:',
        '  - `app:1` on `node:20`: high 0 → 2',
        '- ➕ **Joined the list**: `new:1`',
        '- ➖ **Left the list**: `gone:1`',
        '',
        ''
      ].join('\n')
    )
    expect(dashboards()[0].body).toContain('Scanned 2026-11-24 05:00:00 UTC · [the run](https://github.com/o/r/actions/runs/102)')
    expect(second.recorded.lines).toContain('Updated the dashboard issue https://github.com/o/r/issues/103')
  })

  it('converges on a re-run: the same run compares with what its first attempt compared with', async () => {
    const at = new Date('2026-11-24T05:00:00Z')
    await write(FIRST, undefined, new Date('2026-11-23T05:00:00Z'), '500').written
    // The first attempt of run 600 fails one image; "re-run failed jobs" scans it again.
    const attempt1 = [...SECOND.slice(0, 3), failedEntry('new:1', 'TLS handshake timeout')]
    await write(attempt1, undefined, at, '600').written
    expect(opening(dashboards()[0].body)).toContain('- ➕ **Joined the list**: `new:1`')
    await write(SECOND, undefined, at, '600').written
    const rerun = dashboards()[0].body
    expect(opening(rerun)).toContain('### What changed since the last run (2026-11-23 05:00:00 UTC)')
    expect(opening(rerun)).toContain('- 🔀 **Moved to another base**:')

    // Exactly what one attempt with those results would have written, and a second re-run changes nothing.
    api.issues.length = 0
    await write(FIRST, undefined, new Date('2026-11-23T05:00:00Z'), '500').written
    await write(SECOND, undefined, at, '600').written
    expect(dashboards()[0].body).toBe(rerun)
    await write(SECOND, undefined, at, '600').written
    expect(dashboards()[0].body).toBe(rerun)

    // The next scheduled run compares with the re-run's results, not with its basis.
    await write(SECOND, undefined, new Date('2026-11-25T05:00:00Z'), '700').written
    expect(opening(dashboards()[0].body)).toBe('### What changed since the last run (2026-11-24 05:00:00 UTC)\n\nNothing changed.\n\n')
  })

  it('says nothing changed when nothing did, and keeps two titles as two dashboards', async () => {
    await write(FIRST).written
    await write(FIRST).written
    expect(dashboards()[0].body).toContain('Nothing changed.')
    await write(FIRST, 'Nightly bases').written
    expect(dashboards().map((issue) => issue.title)).toEqual(['Base image recommendations', 'Nightly bases'])
    expect(dashboardMarker('o/r', 'Nightly bases')).not.toBe(dashboardMarker('o/r', 'Base image recommendations'))
  })

  it('says when a move the policy held back is allowed now, and stays quiet about states from before the policy', async () => {
    const major = (allowed: boolean) => [
      outdatedEntry('app:1', 'node:20', [0, 1, 0, 0], [{ tag: '22', counts: [0, 0, 0, 0], changes: ['runtime-major'], allowed }])
    ]
    await write(major(false), undefined, new Date('2026-11-23T05:00:00Z')).written
    await write(major(true), undefined, new Date('2026-11-24T05:00:00Z')).written
    expect(opening(dashboards()[0].body)).toContain('- 🔓 **Newly allowed** (by the move policy):\n  - `app:1` on `node:20`: `node:22`\n')
    await write(major(true), undefined, new Date('2026-11-25T05:00:00Z')).written
    expect(opening(dashboards()[0].body)).toContain('Nothing changed.')
    // A state written before the policy has no `allowed`: nothing can be said to be newly allowed.
    const body = dashboards()[0].body
    const read = readState(body)
    if (!('state' in read)) throw new Error('no state')
    const old = { ...read.state, images: read.state.images.map((image) => ({ ...image, allowed: undefined })) }
    dashboards()[0].body = body.replace(/<!-- scout-graph-action:state v1 [^>]*-->/, encodeState(old))
    await write(major(true), undefined, new Date('2026-11-26T05:00:00Z')).written
    expect(opening(dashboards()[0].body)).toContain('Nothing changed.')
  })

  it('leaves a dashboard a person closed closed, and says so', async () => {
    await write(FIRST).written
    dashboards()[0].state = 'closed'
    const before = dashboards()[0].body
    api.calls.length = 0
    const { recorded, written } = write(SECOND)
    expect(await written).toBeUndefined()
    expect(api.calls.map((call) => call.method)).toEqual(['GET'])
    expect(dashboards()[0].body).toBe(before)
    expect(recorded.lines).toContain(
      'notice: dashboard: https://github.com/o/r/issues/103 was closed; it stays closed (and is not updated) until someone reopens it'
    )
  })

  it('ignores a look-alike issue opened by someone without write access', async () => {
    api.issues.push({
      number: 50,
      title: 'Base image recommendations',
      body: `${dashboardMarker('o/r', 'Base image recommendations')}\nhijacked`,
      state: 'closed',
      userType: 'User',
      authorAssociation: 'NONE'
    })
    expect(await write(FIRST).written).toBe('https://github.com/o/r/issues/104')
    expect(api.issues.find((issue) => issue.number === 50)?.body).toContain('hijacked')
  })

  it('treats a hand-edited or corrupted state as untrusted: it says it could not compare, and never breaks', async () => {
    await write(FIRST).written
    const block = /<!-- scout-graph-action:state v1 [A-Za-z0-9_-]* -->/
    const hostile = encodeState({
      at: '2026-11-20T00:00:00Z',
      images: [
        { image: 'x</details><script>alert(1)</script>', base: 'node:1', urgency: 'now', tags: [['<img src=x>', 'update', 0, 0, 0, 0]] }
      ]
    })
    const corruptions = [
      ['<!-- scout-graph-action:state v1 !!not-base64!! -->', /not in its format/],
      [`<!-- scout-graph-action:state v1 ${Buffer.from('{"at":').toString('base64url')} -->`, /not valid JSON/],
      [encodeState({ at: 'yesterday', images: [] }), /field "at" must be a time in ISO 8601, UTC/],
      // Date.parse ignores text in parentheses: markup there must not reach the heading it is shown in.
      [encodeState({ at: '2026-11-20 (<img src=x>)', images: [] }), /field "at" must be a time in ISO 8601, UTC/],
      [
        encodeState({ at: '2026-11-20T00:00:00Z', images: [{ image: 'a', base: 'b', urgency: 'urgent', tags: [] }] } as never),
        /field "images\[0\]\.urgency" must be one of now, bigger, may, failed, nothing, current/
      ],
      [encodeState({ at: '2026-11-20T00:00:00Z', images: [], run: '9; rm -rf' }), /field "run" must be a run id/],
      [
        encodeState({
          at: '2026-11-20T00:00:00Z',
          images: [],
          run: '9',
          basis: { at: '2026-11-19T00:00:00Z', changed: [{}], absent: [] }
        } as never),
        /field "basis\.changed\[0\]\.image" must be text of at most 512 characters/
      ],
      [`<!-- scout-graph-action:state v1 ${'A'.repeat(50_000)} -->`, /over 40000 characters/],
      // A body cut short inside the block (an edit that lost its end).
      [`<!-- scout-graph-action:state v1 ${encodeState({ at: '2026-11-20T00:00:00Z', images: [] }).slice(34, 60)}`, /cut or over/]
    ] as const
    for (const [replacement, reason] of corruptions) {
      dashboards()[0].body = dashboards()[0].body.replace(block, replacement)
      const { recorded, written } = write(SECOND)
      expect(await written).toBe('https://github.com/o/r/issues/103')
      expect(dashboards()[0].body).toMatch(new RegExp(`^> Could not compare with the last run: the saved state .*${reason.source}`, 'm'))
      expect(recorded.warnings).toEqual([])
      expect(readState(dashboards()[0].body)).toHaveProperty('state')
    }
    // A valid state with hostile names: compared, and shown as text.
    dashboards()[0].body = dashboards()[0].body.replace(block, hostile)
    await write(SECOND).written
    const html = await renderGfm(dashboards()[0].body)
    expect(html).not.toMatch(/<script|<img/)
    expect(visibleText(html)).toContain('➖ Left the list: x</details><script>alert(1)</script>')
  })

  it('stays under 65,536 characters with thousands of images, its state whole or marked partial, never failing', async () => {
    const many = Array.from({ length: 4000 }, (_, i) =>
      outdatedEntry(
        `registry.example.test/team/service-${i}:1.0.${i}`,
        `node:${18 + (i % 7)}-alpine`,
        [i % 2, 3, 5, 1],
        [
          { kind: 'refresh', tag: `${18 + (i % 7)}-alpine`, counts: [0, 1, 2, 1] },
          { tag: '24-alpine', counts: [0, 0, 1, 0] }
        ]
      )
    )
    const { recorded, written } = write(many)
    expect(await written).toBe('https://github.com/o/r/issues/103')
    const body = dashboards()[0].body
    expect(body.length).toBeLessThanOrEqual(ISSUE_LIMIT)
    const state = readState(body)
    expect(state).toHaveProperty('state')
    const kept = 'state' in state ? state.state : undefined
    expect(kept?.partial).toBe(true)
    expect(body).toContain(
      `> The saved state holds the ${kept?.images.length} most urgent of 4000 images, so the next comparison is partial`
    )
    expect(kept?.images[0].urgency).toBe('now')
    expect(recorded.warnings).toEqual([])
    // The next run compares with the partial state without calling the rest "joined".
    await write(many.slice(0, 10)).written
    expect(dashboards()[0].body).not.toContain('Joined the list')
    expect(dashboards()[0].body).toContain('Left the list')
  })

  it('retries a 503 on the rewrite and waits out a secondary rate limit on the list: one dashboard, no warning', async () => {
    await write(FIRST).written
    api.faults.push({ method: 'GET', path: /^\/repos\/o\/r\/issues$/, answer: RATE_LIMITS.secondary(1) })
    api.faults.push({ method: 'PATCH', path: /^\/repos\/o\/r\/issues\/\d+$/, answer: { status: 503, message: 'Service Unavailable' } })
    const { recorded, written } = write(SECOND)
    expect(await written).toBe('https://github.com/o/r/issues/103')
    expect(dashboards()).toHaveLength(1)
    expect(dashboards()[0].body).toContain('Joined the list')
    expect(recorded.warnings).toEqual([])
  })

  it('says a rate limit is a rate limit, not a missing permission, when it gives up', async () => {
    api.faults.push({ method: 'GET', path: /^\/repos\/o\/r\/issues$/, times: 5, answer: RATE_LIMITS.primary(600) })
    const { recorded, written } = write(FIRST)
    expect(await written).toBeUndefined()
    expect(recorded.warnings.map((warning) => warning.message)).toEqual([
      'dashboard: not written: GitHub rate-limited the token, and the call gave up after 0 s; the job summary has the same tables'
    ])
  })

  it('warns and goes on without permission (403), a missing repository (404) or a refused body (422)', async () => {
    for (const status of [403, 404, 422]) {
      api.refuseWith = status
      const { recorded, written } = write(FIRST)
      expect(await written).toBeUndefined()
      expect(recorded.warnings.map((warning) => warning.message)).toEqual([
        status === 422
          ? 'dashboard: not written: GitHub answered 422; the job summary has the same tables'
          : 'dashboard: not written: the token may not write issues here (a fork, or no `issues: write` permission); the job summary has the same tables'
      ])
      expect(JSON.stringify(recorded)).not.toContain('ghs_dashboardToken77')
    }
  })
})
