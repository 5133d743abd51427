/** The images to scan: `images`, `images-file`, `shard`. */
import { readFile } from 'node:fs/promises'
import { applyShard } from '../matrix/shard.js'
import type { Shard } from '../types/settings.js'
import { IMAGE_SCHEMES } from '../util/image-schemes.js'
import { InputError, splitList } from './values.js'
import type { InputReader } from '../inputs.js'

/** The references this job scans (after sharding), and how many were asked for in all. */
export async function imageSettings(input: InputReader): Promise<{ images: string[]; requested: number; shard?: Shard }> {
  const shard = input('shard') === '' ? undefined : parseShard(input('shard'))
  const requested = await readImages(input('images'), input('images-file'))
  return { images: applyShard(requested, shard), requested: requested.length, ...(shard ? { shard } : {}) }
}

/** `images` (newline- or comma-separated) and `images-file` (one per line, `#` comments), de-duplicated. */
async function readImages(images: string, imagesFile: string): Promise<string[]> {
  const references = splitList(images, /[\n,]/).map((reference) => validateImage('images', reference))
  if (imagesFile !== '') {
    let text: string
    try {
      text = await readFile(imagesFile, 'utf8')
    } catch (error) {
      throw new InputError('images-file', `cannot read ${imagesFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
    const lines = text.split(/\r?\n/).map((line) => line.replace(/#.*$/, ''))
    references.push(...splitList(lines.join('\n'), /\n/).map((reference) => validateImage('images-file', reference)))
  }
  return [...new Set(references)]
}

/** An image reference reaches `docker` as one argument after `--`; still, refuse anything odd early. */
export function validateImage(input: string, reference: string): string {
  const shown = JSON.stringify(reference)
  if (/[\s\p{Cc}]/u.test(reference)) throw new InputError(input, `image reference ${shown} contains whitespace or control characters`)
  if (reference.startsWith('-')) throw new InputError(input, `image reference ${shown} starts with "-" (it would be read as a flag)`)
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(reference)?.[1]
  if (scheme !== undefined && !IMAGE_SCHEMES.includes(scheme)) {
    throw new InputError(
      input,
      `image reference ${shown} has an unknown prefix "${scheme}://" (expected one of ${IMAGE_SCHEMES.map((s) => `${s}://`).join(', ')})`
    )
  }
  if (scheme !== undefined && /^\/*$/.test(reference.slice(scheme.length + 3))) {
    throw new InputError(input, `image reference ${shown} names nothing after "${scheme}://"`)
  }
  if (reference === '' || reference.endsWith(':') || reference.endsWith('@')) {
    throw new InputError(input, `image reference ${shown} is incomplete`)
  }
  if (reference.length > 1024) throw new InputError(input, `image reference ${shown.slice(0, 60)}… is longer than 1024 characters`)
  return reference
}

function parseShard(value: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(value)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || index < 1 || count < 1 || index > count) {
    throw new InputError('shard', `expected K/N with 1 <= K <= N (like 2/8), got ${JSON.stringify(value)}`)
  }
  return { index, count }
}
