/**
 * Report values in what GitHub renders, each escaped for the context it lands in: Markdown text, HTML
 * inside `<summary>`, or a code span where a reference should be copyable.
 */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const oneLine = (text: string) => text.replace(/[\r\n\t]+/g, ' ')

/** Text for HTML (inside `<summary>`, where Markdown escapes are not processed). */
export function escapeHtml(text: string): string {
  return oneLine(text).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch)
}

/** Text for Markdown prose: no markup, no links, no @mention, one line. */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_{}[\]()#!|~]/g, '\\$&')
    .replace(/@/g, '@\u200b')
}

/**
 * A code span, so a reference can be copied as it is. Inside a table, `|` is escaped (GFM splits cells
 * before it reads code spans, and drops the backslash again).
 */
export function code(text: string, inTable = false): string {
  let body = oneLine(text)
  if (inTable) body = body.replace(/\|/g, '\\|')
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad = body.startsWith('`') || body.endsWith('`') || /^ .* $/.test(body) ? ' ' : ''
  return `${fence}${pad}${body}${pad}${fence}`
}

export function htmlCode(text: string): string {
  return `<code>${escapeHtml(text)}</code>`
}
