/**
 * The summary, the comment and the CLI table as a reader sees them: rendered as GFM, Mermaid checked
 * by the real parser, at every size from 1 to 3,000 images.
 */
import { describe, expect, it } from 'vitest'
import { COMMENT_MARKDOWN_LIMIT } from '../../src/github/comment.js'
import { DIAGRAM_BASES } from '../../src/summary/diagram.js'
import { annotate, recommendationsJson } from '../../src/outputs/outputs.js'
import { bestOption, orderForReading } from '../../src/verdict/rank.js'
import { toEntry } from '../../src/verdict/entry.js'
import type { RecommendationEntry } from '../../src/types/entry.js'
import { renderSummary, SUMMARY_LIMIT } from '../../src/summary/summary.js'
import { renderTable } from '../../src/summary/table.js'
import { parseReport } from '../../src/report/parse.js'
import { failedEntry, outdatedEntry, upToDateEntry } from '../kit/entries.js'
import { WILD, fixture } from '../kit/helpers.js'
import { recordingHost } from '../kit/host.js'
import { detailsBalance, mermaidBlocks, parseMermaid, renderGfm, visibleText } from '../kit/render.js'

const RUN = 'https://github.com/o/r/actions/runs/9'

/** One of each kind, listed in no particular order. */
const MIXED: RecommendationEntry[] = [
  outdatedEntry('a-nothing:1', 'node:22-slim', [0, 0, 2, 3], [{ tag: '23-slim', counts: [0, 0, 2, 3] }]),
  outdatedEntry('b-medium:1', 'debian:12', [0, 0, 3, 9], [{ tag: '13', counts: [0, 0, 0, 9] }]),
  outdatedEntry('c-high:1', 'node:20', [0, 16, 0, 0], [{ tag: '22', counts: [0, 0, 0, 0] }]),
  failedEntry('d-failed:1', 'timed out after 600s'),
  outdatedEntry('e-critical:1', 'node:10', [2, 16, 7, 0], [{ tag: '21-slim', counts: [0, 0, 0, 18] }]),
  upToDateEntry('f-current:1', 'alpine:3.21'),
  outdatedEntry('g-one-critical:1', 'python:3.8', [1, 0, 0, 0], [{ tag: '3.13', counts: [0, 0, 0, 0] }])
]
const READING_ORDER = ['e-critical:1', 'g-one-critical:1', 'c-high:1', 'b-medium:1', 'd-failed:1', 'a-nothing:1', 'f-current:1']

/** `n` images on a few bases, of every urgency, with names that need escaping. */
function population(n: number): RecommendationEntry[] {
  return Array.from({ length: n }, (_, i) => {
    const image = `registry.example.test/team_${i % 7}/svc_${i}:v1_2(rc)`
    if (i % 11 === 5) return failedEntry(image, `pull access denied for <svc_${i}>`)
    if (i % 13 === 7) return upToDateEntry(image, 'alpine:3.21')
    return outdatedEntry(
      image,
      `node:${18 + (i % 40)}-alpine`,
      [i % 3, (i * 7) % 17, 4, 1, 1],
      [
        { kind: 'refresh', tag: `${18 + (i % 40)}-alpine`, counts: [0, (i * 7) % 17 > 0 ? 1 : 0, 4, 1] },
        { tag: '24-alpine', counts: [0, 0, 2, 3], benefits: ['Image is smaller by 12 MB', 'Tag is `lts` & *preferred*'] },
        { tag: '24-slim', counts: [0, 0, 1, 30] }
      ]
    )
  })
}

describe('what comes first', () => {
  it('orders by what the best option removes, critical first: summary, annotations, outputs cap and CLI table alike', async () => {
    expect(orderForReading(MIXED).map((entry) => entry.image)).toEqual(READING_ORDER)

    const markdown = renderSummary(MIXED)
    const positions = READING_ORDER.map((image) => markdown.indexOf(`\`${image}\``))
    expect(positions.every((at) => at > 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)

    const recorded = recordingHost()
    await annotate(MIXED, new Map(), recorded.host)
    expect(recorded.warnings.map((warning) => warning.message.split(':')[0])).toEqual([
      'e-critical',
      'g-one-critical',
      'c-high',
      'b-medium',
      'a-nothing'
    ])

    const capped = JSON.parse(recommendationsJson(MIXED, recorded.host, 900)) as RecommendationEntry[]
    expect(capped.map((entry) => entry.image)).toEqual(READING_ORDER.slice(0, capped.length))
    expect(capped.length).toBeGreaterThan(0)

    const table = renderTable(MIXED)
    const rows = table
      .split('\n')
      .filter((line) => /^\S/.test(line))
      .slice(1)
    expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual(READING_ORDER)
  })

  it('heads with how many images should move now, may move, gain nothing and failed, and links the run', async () => {
    const text = visibleText(await renderGfm(renderSummary(MIXED, { runUrl: RUN })))
    expect(text).toContain('7 image(s) · the run')
    expect(text).toContain('🚨 3 should move now (an allowed move removes critical or high)')
    expect(text).toContain('1 may move (medium or low only)')
    expect(text).toContain('1 with moves that remove nothing')
    expect(text).toContain('❌ 1 failed')
    expect(text).toContain('1 up to date or without a base to judge')
    expect(renderSummary(MIXED, { runUrl: RUN })).toContain(`[the run](${RUN})`)
  })

  it("picks Scout's first option unless another removes strictly more without adding critical or high", () => {
    const entry = outdatedEntry(
      'app:1',
      'node:20',
      [1, 4, 6, 2],
      [
        { kind: 'refresh', tag: '20', counts: [1, 2, 6, 2] },
        { tag: '22', counts: [0, 1, 6, 2] }, // removes more, but adds nothing serious: best
        { tag: '23', counts: [0, 0, 0, 0] } // removes even more
      ]
    )
    expect(bestOption(entry)?.tag).toBe('23')
    const risky = outdatedEntry(
      'app:2',
      'node:20',
      [1, 4, 6, 2],
      [
        { kind: 'refresh', tag: '20', counts: [1, 2, 6, 2] },
        { tag: '23', counts: [0, 5, 0, 0] } // removes the critical but adds a high
      ]
    )
    expect(bestOption(risky)?.tag).toBe('20')
    const tie = outdatedEntry(
      'app:3',
      'node:20',
      [0, 4, 0, 0],
      [
        { tag: 'a', counts: [0, 0, 0, 0] },
        { tag: 'b', counts: [0, 0, 0, 0] }
      ]
    )
    expect(bestOption(tie)?.tag).toBe('a')
  })
})

describe('one row per image', () => {
  it('shows the best move with its net change both ways, and counts the other options', async () => {
    const entry = outdatedEntry(
      'web:1',
      'node:10',
      [9, 16, 7, 0],
      [
        { kind: 'refresh', tag: '10', counts: [9, 15, 7, 0] },
        { tag: '21-slim', counts: [0, 0, 1, 18], benefits: ['Major runtime version update'] },
        { tag: '22', counts: [0, 0, 0, 2] }
      ]
    )
    const html = await renderGfm(renderSummary([entry]))
    const row = /<tr>\s*<td><code>web:1<\/code><\/td>[\s\S]*?<\/tr>/.exec(html)?.[0] ?? ''
    const cells = [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map(([, cell]) => cell)
    expect(cells[1]).toBe('<code>node:10</code> → <code>node:22</code>')
    expect(cells[2]).toBe('removes 🟥 <strong>9 critical</strong>, 🟧 <strong>16 high</strong>, 7 medium<br>⚠️ adds 2 low')
    expect(cells[3]).toBe('+2 more')
    // Every option folded below, each with its own net change and benefits.
    const text = visibleText(html)
    expect(text).toContain('web:1: move to node:22, removes 🟥 9 critical, 🟧 16 high, 7 medium; 3 option(s)')
    expect(text).toContain('rebuild on a newer node:10: removes 🟧 1 high')
    expect(text).toContain('node:10 → node:21-slim: removes 🟥 9 critical, 🟧 16 high, 6 medium; ⚠️ adds 18 low')
    expect(text).toContain('node:10 → node:22 ⭐ best')
    expect(text).toContain('Major runtime version update')
  })

  it('shows what a real report adds: lab8 node:22-alpine → node:slim removes nothing and adds 23 low', async () => {
    const entry = toEntry({
      source: 'lab8.txt',
      parsed: parseReport(fixture(WILD, 'lab8-node22-alpine-slim-plus-deltas.txt').toString('utf8'))
    })
    const text = visibleText(await renderGfm(renderSummary([entry])))
    expect(text).toContain('1 with moves that remove nothing')
    expect(text).toMatch(/node:22-alpine → node:slim\s*\|?\s*removes nothing⚠️ adds 23 low/)
  })

  it('writes references whole and copyable, refreshes as a rebuild, and tells same-named images apart', async () => {
    const pinned = outdatedEntry(
      'app@sha256:0123456789abcdef',
      'alpine:3',
      [0, 2, 0, 0],
      [{ kind: 'refresh', tag: '3', counts: [0, 0, 0, 0] }]
    )
    const twins = [1, 2].map((n) => ({
      ...outdatedEntry('mywebapp:latest', 'python:3.11-alpine', [0, 1, 0, 0], [{ tag: '3.13-alpine', counts: [0, 0, 0, 0] }]),
      source: `reports/mywebapp-${n}.txt`,
      digest: `d${n}`
    }))
    const html = await renderGfm(renderSummary([pinned, ...twins]))
    expect(html).toContain('<td><code>app@sha256:0123456789abcdef</code></td>')
    expect(html).toContain('<td>rebuild on a newer <code>alpine:3</code></td>')
    expect(html).not.toContain('\u200b')
    expect(html).toContain('<code>mywebapp:latest</code><br>(digest d1, report mywebapp-1.txt)')
    expect(html).toContain('<code>mywebapp:latest</code><br>(digest d2, report mywebapp-2.txt)')
    expect(html).toContain('<code>python:3.11-alpine</code> → <code>python:3.13-alpine</code>')
  })

  it('writes unrated counts as "unrated" and leaves zeros out', async () => {
    const entry = outdatedEntry('app:1', 'node:20', [0, 0, 3, 0, 2], [{ tag: '22', counts: [0, 0, 0, 0] }])
    const text = visibleText(await renderGfm(renderSummary([entry])))
    expect(text).toContain('Now on node:20: 3 medium, 2 unrated.')
    expect(text).not.toMatch(/\b0 (critical|high|medium|low)/)
    expect(text).not.toContain('?')
  })
})

describe('escaping by context', () => {
  it('shows hostile and underscore-heavy values literally in tables, fold titles and code spans, never as markup', async () => {
    const hostile = outdatedEntry(
      'billing_web',
      'svc_b:v1_2(rc)',
      [0, 2, 0, 0],
      [
        {
          tag: 'x<script>alert(1)</script>',
          counts: [0, 0, 0, 0],
          benefits: ['**bold** [x](javascript:alert(1)) @everyone <img src=x onerror=alert(1)>']
        },
        { tag: 'back`tick|pipe', counts: [0, 1, 0, 0] }
      ]
    )
    const markdown = renderSummary([hostile, failedEntry('evil|image:<u>1</u>', 'no such image: `x` | <b>')])
    const html = await renderGfm(markdown)
    expect(html).not.toMatch(/<script|<img|<u>|<b>\s*<\/td>|href="javascript:/i)
    const text = visibleText(html)
    expect(text).toContain('billing_web: move to svc_b:x<script>alert(1)</script>')
    expect(text).toContain('svc_b:v1_2(rc) → svc_b:back`tick|pipe')
    expect(text).toContain('**bold** [x](javascript:alert(1)) @\u200beveryone <img src=x onerror=alert(1)>')
    expect(text).toContain('evil|image:<u>1</u>')
    expect(text).toContain('no such image: `x` | <b>')
    // No escape shows through: neither a Markdown backslash nor an HTML entity left undecoded.
    expect(text).not.toMatch(/\\[_()`*|[\]<>#!]|&(amp|lt|gt|quot|#39);/)
    const table = [...html.matchAll(/<table>[\s\S]*?<\/table>/g)].map(([t]) => t)
    for (const t of table) {
      const widths = [...t.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => (row.match(/<t[dh][ >]/g) ?? []).length)
      expect(new Set(widths).size).toBe(1)
    }
  })
})

describe('at every size', () => {
  it.each([1, 3, 60, 300, 3000])(
    '%i image(s): fits, keeps <details> balanced, Mermaid valid, the note on top and the urgent first',
    async (n) => {
      const entries = population(n)
      const first = orderForReading(entries)[0]
      for (const [limit, medium] of [
        [SUMMARY_LIMIT, 'summary'],
        [COMMENT_MARKDOWN_LIMIT, 'comment']
      ] as const) {
        const markdown = renderSummary(entries, { limit, medium, runUrl: RUN })
        const size = (text: string) => (medium === 'comment' ? text.length : Buffer.byteLength(text))
        expect(size(markdown)).toBeLessThanOrEqual(limit)
        const { open, close } = detailsBalance(markdown)
        expect(open).toBe(close)
        expect(markdown).toContain(`[the run](${RUN})`)
        expect(markdown).toContain(`\`${first.image}\``)
        for (const block of mermaidBlocks(markdown)) await expect(parseMermaid(block)).resolves.toBeTruthy()
        const note = markdown.indexOf('\n> ')
        const full = renderSummary(entries, { limit: Number.MAX_SAFE_INTEGER, runUrl: RUN })
        if (size(full) > limit) {
          expect(note).toBeGreaterThan(0)
          expect(note).toBeLessThan(markdown.indexOf('### '))
          expect(markdown.slice(note)).toContain(
            medium === 'comment' ? `the job summary of [this run](${RUN})` : `[run's artifact](${RUN})`
          )
        } else {
          expect(markdown).toBe(full)
        }
        const html = await renderGfm(markdown)
        expect(visibleText(html)).not.toMatch(/\\[_()]/)
      }
    }
  )

  it('counts the job summary in UTF-8 bytes, as GitHub does: 3,000 failures in Japanese fit in 1 MiB', () => {
    const cause = 'レジストリに接続できませんでした（名前解決に失敗しました）。'.repeat(6)
    const entries = Array.from({ length: 3000 }, (_, i) => failedEntry(`registry.example.test/svc-${i}:1`, cause))
    const markdown = renderSummary(entries, { runUrl: RUN })
    expect(markdown.length).toBeLessThan(SUMMARY_LIMIT)
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(SUMMARY_LIMIT)
    expect(markdown).toMatch(/^> To stay under GitHub's size limit, .* and \d+ image\(s\) are not listed;/m)
    expect(markdown).toContain(`| \`registry.example.test/svc-0:1\` | ${cause} |`)
  })

  it('at 3,000 images, the comment keeps the urgent rows and says how many are not listed', () => {
    const markdown = renderSummary(population(3000), { limit: COMMENT_MARKDOWN_LIMIT, medium: 'comment', runUrl: RUN })
    expect(markdown).toMatch(
      /^> To stay under GitHub's size limit, the options and the diagram are left out, and \d+ image\(s\) are not listed;/m
    )
    expect(markdown).not.toContain('```mermaid')
    expect(markdown).toContain('### 🚨 Should move now')
  })
})

describe('the diagram', () => {
  it('draws the bases in use with their image counts and where each should go, capped well under Mermaid limits', async () => {
    const entries = population(300)
    const [block] = mermaidBlocks(renderSummary(entries))
    await expect(parseMermaid(block)).resolves.toBeTruthy()
    const bases = block.split('\n').filter((line) => /^ {2}b[0-9a-f]+\["/.test(line))
    expect(bases.length).toBe(DIAGRAM_BASES)
    expect(block).toMatch(/\["node:\d+-alpine #183; \d+ images"\]/)
    expect(block).toMatch(/b[0-9a-f]+ -->\|(refresh|update)\| t[0-9a-f]+/)
    expect(renderSummary(entries)).toContain(`The diagram shows the ${DIAGRAM_BASES} most urgent of 40 base images.`)
    expect(mermaidBlocks(renderSummary([upToDateEntry('a:1', 'alpine:3')]))).toEqual([])
  })
})
