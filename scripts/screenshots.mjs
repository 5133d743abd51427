// Screenshots of the job summary as GitHub shows it, for the README: the Markdown rendered as GFM with
// GitHub's Markdown stylesheet, and Mermaid drawn by the real library, in Debian's headless Chromium.
// Run: node --import tsx scripts/screenshots.mjs (needs /usr/bin/chromium: apt-get install chromium).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { marked } from 'marked'
import { chromium } from 'playwright-core'
import { toEntry } from '../src/verdict/entry.ts'
import { renderSummary } from '../src/summary/summary.ts'
import { parseReport } from '../src/report/parse.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const fixtures = path.join(root, '__tests__', 'fixtures')
const reports = ['cartography-docker-scout', 'scout-recommendations'].flatMap((dir) =>
  readdirSync(path.join(fixtures, dir))
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => path.join(fixtures, dir, name))
)
const entryOf = (file, image) => toEntry({ image, source: path.basename(file), parsed: parseReport(readFileSync(file)) })
const RUN = 'https://github.com/acme/platform/actions/runs/1234567890'

const three = [
  entryOf(
    reports.find((file) => file.includes('ecr-recommendation')),
    'ghcr.io/acme/billing-api:2.4.1'
  ),
  entryOf(
    reports.find((file) => file.includes('lab8-node22')),
    'ghcr.io/acme/web:1.9.0'
  ),
  entryOf(
    reports.find((file) => file.includes('vitkhab-node22-local')),
    'ghcr.io/acme/worker:3.0.2'
  )
]
const sixty = Array.from({ length: 60 }, (_, i) =>
  entryOf(reports[i % reports.length], `ghcr.io/acme/service-${String(i).padStart(2, '0')}:1.${i}`)
)

const css = readFileSync(path.join(root, 'node_modules', 'github-markdown-css', 'github-markdown-light.css'), 'utf8')
const mermaidScript = pathToFileURL(path.join(root, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js')).href

async function page(markdown) {
  const body = await marked.parse(markdown, { gfm: true })
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
    body { margin: 0; background: #fff } .markdown-body { box-sizing: border-box; width: 1012px; padding: 24px 32px }</style>
    <script src="${mermaidScript}"></script></head><body><article class="markdown-body">${body}</article>
    <script>
      for (const code of document.querySelectorAll('pre > code.language-mermaid')) {
        const div = document.createElement('div'); div.className = 'mermaid'; div.textContent = code.textContent
        code.parentElement.replaceWith(div)
      }
      for (const details of document.querySelectorAll('details')) if (details.querySelector('.mermaid')) details.open = true
      mermaid.initialize({ startOnLoad: false, theme: 'default' })
      mermaid.run().then(() => (document.body.dataset.ready = 'yes'))
    </script></body></html>`
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync'
  ]
})
try {
  for (const [name, entries, fullPage] of [
    ['summary-3-images', three, true],
    ['summary-60-images', sixty, false]
  ]) {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sg-shot-')), `${name}.html`)
    writeFileSync(file, await page(renderSummary(entries, { runUrl: RUN })))
    const tab = await browser.newPage({ viewport: { width: 1012, height: 1300 } })
    await tab.goto(pathToFileURL(file).href)
    await tab.waitForSelector('body[data-ready="yes"]', { timeout: 30_000 })
    await tab.screenshot({ path: path.join(root, 'docs', `${name}.png`), fullPage })
    await tab.close()
    console.log(`docs/${name}.png`)
  }
} finally {
  await browser.close()
}
