/**
 * Markdown as GitHub shows it: GFM to HTML (marked, GitHub-flavoured), the text a reader sees, and
 * Mermaid blocks checked by the real `mermaid` parser (it needs a DOM for its sanitiser: happy-dom).
 */
import { Window } from 'happy-dom'
import { marked } from 'marked'

export async function renderGfm(markdown: string): Promise<string> {
  return marked.parse(markdown, { gfm: true })
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }

/** The text a reader sees in rendered HTML: tags dropped, entities decoded. */
export function visibleText(html: string): string {
  return html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name])
}

export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map(([, block]) => block)
}

let parser: Promise<(text: string) => Promise<unknown>> | undefined

/** Resolves when Mermaid parses the diagram, rejects with its parse error otherwise. */
export async function parseMermaid(text: string): Promise<unknown> {
  parser ??= (async () => {
    const window = new Window()
    Object.assign(globalThis, { window, document: window.document })
    const { default: mermaid } = await import('mermaid')
    return (diagram: string) => mermaid.parse(diagram)
  })()
  return (await parser)(text)
}

/** How many `<details>` open and close: a cut inside one leaves them unequal. */
export function detailsBalance(markdown: string): { open: number; close: number } {
  return { open: markdown.split('<details>').length - 1, close: markdown.split('</details>').length - 1 }
}
