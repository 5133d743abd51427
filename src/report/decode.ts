/**
 * Turns the bytes of a report file into the text Scout wrote. Besides plain UTF-8 this undoes what a
 * Windows PowerShell 5.1 redirect (`docker scout recommendations IMAGE > file`) does to it: the file is
 * UTF-16 (usually with a BOM), and the console has already decoded Scout's UTF-8 through its code page,
 * so `│` arrives as `Γöé` (437) or `Ôöé` (850). The code-page tables come from iconv-lite.
 */
import iconv from 'iconv-lite'

export type Decoded = { text: string } | { error: string }

/** Western console code pages, most common first; the first that restores box drawing wins. */
const CONSOLE_CODE_PAGES = ['cp437', 'cp850', 'cp858', 'cp1252', 'cp865', 'cp863', 'cp861', 'cp860', 'cp852', 'cp1250']
const BOX_BAR = Buffer.from('│', 'utf8')
/** How the UTF-8 bytes of `│` read through each code page: finding one in the text names the code page. */
const BAR_MOJIBAKE = new Map(CONSOLE_CODE_PAGES.map((codePage) => [codePage, iconv.decode(BOX_BAR, codePage)]))

export function decodeReport(bytes: Uint8Array): Decoded {
  const utf16 = utf16Encoding(bytes)
  let text: string
  try {
    text = new TextDecoder(utf16 ?? 'utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return { error: utf16 ? `not valid ${utf16.toUpperCase()} text` : 'not valid UTF-8 text' }
  }
  return repairMojibake(text)
}

/** `utf-16le`/`utf-16be` by BOM, or without one when every other byte is NUL on one side only. */
function utf16Encoding(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined
  // Report text is mostly ASCII: in UTF-16 the high byte of most units is 0. UTF-8 text has no NUL.
  const sample = Math.min(bytes.length, 8192)
  let evenZeros = 0
  let oddZeros = 0
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenZeros++
    if (bytes[i + 1] === 0) oddZeros++
  }
  const units = sample / 2
  if (evenZeros === 0 && oddZeros >= units / 2) return 'utf-16le'
  if (oddZeros === 0 && evenZeros >= units / 2) return 'utf-16be'
  return undefined
}

/**
 * Text that has no box drawing but holds `│` as some code page misread it is re-encoded in that code
 * page and decoded as UTF-8. The repair must be lossless and give valid UTF-8, or the file is refused.
 */
function repairMojibake(decoded: string): Decoded {
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded
  if (text.includes('│')) return { text }
  const suspects = CONSOLE_CODE_PAGES.filter((codePage) => text.includes(BAR_MOJIBAKE.get(codePage) ?? '│'))
  if (suspects.length === 0) return { text }
  for (const codePage of suspects) {
    const bytes = iconv.encode(text, codePage)
    if (iconv.decode(bytes, codePage) !== text) continue
    try {
      const repaired = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
      if (repaired.includes('│')) return { text: repaired }
    } catch {
      // Not this code page.
    }
  }
  return {
    error: `box drawing mis-decoded through a console code page (${suspects.join(', ')}) that cannot be undone losslessly`
  }
}
