/**
 * Turns the bytes of a report file into the text Scout wrote. Besides plain UTF-8 this undoes what a
 * Windows PowerShell 5.1 redirect (`docker scout recommendations IMAGE > file`) does to it: the file is
 * UTF-16 (usually with a BOM), and the console has already decoded Scout's UTF-8 through its code page,
 * so `│` arrives as `Γöé` (437) or `Ôöé` (850). The code-page tables come from iconv-lite, loaded only when
 * a file needs them (`loadConsoleCodePages`): a UTF-8 report, the usual case, never pays for them.
 */
type Iconv = typeof import('iconv-lite')
let iconv: Iconv | undefined

/** Loads the console code-page tables; the caller of `decodeReport` awaits it first when `needsConsoleCodePages`. */
export async function loadConsoleCodePages(): Promise<void> {
  iconv ??= (await import('iconv-lite')).default
}

/** Whether decoding these bytes may need the code-page tables: UTF-16, or text without a `│` that has other non-ASCII bytes. */
export function needsConsoleCodePages(bytes: Uint8Array): boolean {
  if (utf16Encoding(bytes) !== undefined) return true
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(BOX_BAR)) return false
  return bytes.some((byte) => byte >= 0x80)
}

function codePages(): Iconv {
  if (iconv === undefined) throw new Error('the console code pages are not loaded (await loadConsoleCodePages() first)')
  return iconv
}

export type Decoded = { text: string } | { error: string }

/** Western console code pages, most common first; the first that restores box drawing wins. */
const CONSOLE_CODE_PAGES = ['cp437', 'cp850', 'cp858', 'cp1252', 'cp865', 'cp863', 'cp861', 'cp860', 'cp852', 'cp1250']
const BOX_BAR = Buffer.from('│', 'utf8')
/** How the UTF-8 bytes of `│` read through a code page: finding it in the text names the code page. */
const barMojibake = (codePage: string) => codePages().decode(BOX_BAR, codePage)

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
 * Text that has no box drawing but holds `│` as some code page misread it is repaired through that code
 * page, run by run: a run of non-ASCII characters whose bytes in that code page hold UTF-8 sequences is
 * mojibake, and those sequences are decoded; a run without one is real text PowerShell wrote in its own
 * language (its `NativeCommandError` block: `En línea: 1 Carácter: 87`), kept as it is. A run that mixes
 * mojibake with a character the console could not have shown is damage, and the code page is refused; a
 * text that no code page repairs into box drawing is refused.
 */
function repairMojibake(decoded: string): Decoded {
  const text = decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded
  // Box drawing that survived, or plain ASCII (no mojibake possible): nothing to repair, no table needed.
  if (text.includes('│') || !/[^\x00-\x7f]/.test(text)) return { text }
  const suspects = CONSOLE_CODE_PAGES.filter((codePage) => text.includes(barMojibake(codePage)))
  if (suspects.length === 0) return { text }
  // The code pages whose repertoire misses the fewest characters of the text first: `│` reads the same
  // through several (850 and 852), and only the console's own holds all of its mojibake.
  const nonAscii = new Set<string>()
  for (const ch of text) if (ch.charCodeAt(0) >= 0x80) nonAscii.add(ch)
  const missing = new Map(suspects.map((codePage) => [codePage, [...nonAscii].filter((ch) => !byteOf(codePage).has(ch)).length]))
  for (const codePage of [...suspects].sort((a, b) => (missing.get(a) ?? 0) - (missing.get(b) ?? 0))) {
    const repaired = repairRuns(text, byteOf(codePage))
    if (repaired?.includes('│')) return { text: repaired }
  }
  return {
    error: `box drawing mis-decoded through a console code page (${suspects.join(', ')}) that cannot be undone losslessly`
  }
}

const BYTES_OF = new Map<string, Map<string, number>>()

/** Each character of a single-byte code page, and the byte it stands for. */
function byteOf(codePage: string): Map<string, number> {
  let table = BYTES_OF.get(codePage)
  if (table === undefined) {
    const chars = codePages().decode(Buffer.from(Array.from({ length: 128 }, (_, i) => i + 128)), codePage)
    table = new Map([...chars].map((ch, i) => [ch, i + 128]))
    BYTES_OF.set(codePage, table)
  }
  return table
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** Every run of non-ASCII characters, with each UTF-8 sequence its bytes hold decoded and the rest kept; undefined on damage. */
function repairRuns(text: string, table: ReadonlyMap<string, number>): string | undefined {
  let damaged = false
  const repaired = text.replace(/[^\x00-\x7f]+/g, (run) => {
    const chars = [...run]
    const bytes = chars.map((ch) => table.get(ch) ?? -1)
    let out = ''
    for (let i = 0; i < chars.length;) {
      const length = sequenceLength(bytes[i])
      const sequence = bytes.slice(i, i + length)
      const decoded = length > 1 && sequence.length === length && sequence.every((byte) => byte >= 0) ? utf8(sequence) : undefined
      if (decoded === undefined) out += chars[i++]
      else {
        out += decoded
        i += length
      }
    }
    if (out !== run && bytes.includes(-1)) damaged = true
    return out
  })
  return damaged ? undefined : repaired
}

/** How many bytes a UTF-8 sequence that starts with this byte has (1 when it starts none). */
function sequenceLength(lead: number): number {
  if (lead >= 0xc2 && lead <= 0xdf) return 2
  if (lead >= 0xe0 && lead <= 0xef) return 3
  if (lead >= 0xf0 && lead <= 0xf4) return 4
  return 1
}

function utf8(bytes: number[]): string | undefined {
  try {
    return UTF8.decode(Uint8Array.from(bytes))
  } catch {
    return undefined
  }
}
