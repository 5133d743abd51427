/** Report file names: readable, unique per reference (a hash of it), and unable to leave their folder. */
import { createHash } from 'node:crypto'

/** `<readable part of the reference>-<hash>.txt`, or with `-<n>` before `.txt` for a later report of the same image. */
export function reportFileName(reference: string, occurrence = 1): string {
  const readable = reference
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 80)
  const hash = createHash('sha256').update(reference).digest('hex').slice(0, 10)
  return `${readable || 'image'}-${hash}${occurrence > 1 ? `-${occurrence}` : ''}.txt`
}

/** Scout's stderr of a scan, kept beside the report file it wrote (or would have written). */
export function logFileOf(reportFile: string): string {
  return `${reportFile.slice(0, -'.txt'.length)}.log`
}
