import { IMAGE_SCHEMES } from './util/image-schemes.js'

/**
 * The one place that turns errors and text into what the action says: one line, a reason always, and
 * never a secret. Secrets are registered once (by the settings builder, as inputs are read) and every
 * message built here is redacted against all of them, and against `user:password@` in any URI.
 */

const secrets = new Set<string>()

/** Keeps `value` out of every message from now on (the runner's own masking covers only its log). */
export function registerSecret(value: string): void {
  // Also the forms a secret takes inside messages: each line, URL-encoded, and escaped by JSON.stringify.
  const forms = [value, ...value.split(/\r?\n/), encodeURIComponent(value), JSON.stringify(value).slice(1, -1)]
  for (const form of forms) if (form.trim().length >= 3) secrets.add(form)
}

/** The secrets registered so far, longest first (so one secret inside another is still hidden whole). */
export function registeredSecrets(): string[] {
  return [...secrets].sort((a, b) => b.length - a.length)
}

// `scheme://user:password@` or `scheme://token@`: the user information of any URI-like text, up to
// its last `@` (a malformed URI may hold a password with `/`, `#` or `@` in it).
const URI_USER_INFO = /([A-Za-z][A-Za-z0-9+.-]*):\/\/(\S*)@/g

/** The text with every registered secret (and `extra`) replaced by `***`, and URI user information removed. */
export function redact(text: string, extra: readonly string[] = []): string {
  // Image references (`registry://node@sha256:…`) have no user information: their `@` is a digest.
  const withoutUserInfo = (whole: string, scheme: string) => (IMAGE_SCHEMES.includes(scheme.toLowerCase()) ? whole : `${scheme}://***@`)
  let redacted = text.includes('@') ? text.replace(URI_USER_INFO, withoutUserInfo) : text
  for (const secret of [...extra.filter((value) => value !== ''), ...registeredSecrets()]) {
    if (redacted.includes(secret)) redacted = redacted.replaceAll(secret, '***')
  }
  return redacted
}

/**
 * An error as one redacted line that always says why: its message's first line, or else what the
 * error carries (a code, an HTTP status, its name), or its string form.
 */
export function errorLine(error: unknown): string {
  return redact(firstLine(error))
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : ''
  const line = message.split('\n').find((text) => text.trim() !== '')
  if (line !== undefined) return line.trim()
  const fields = (error ?? {}) as { name?: unknown; code?: unknown; statusCode?: unknown; status?: unknown }
  const status = fields.statusCode ?? fields.status
  const parts = [
    typeof fields.name === 'string' && fields.name !== 'Error' ? fields.name : undefined,
    fields.code !== undefined && fields.code !== '' ? `code ${String(fields.code)}` : undefined,
    status !== undefined ? `HTTP ${String(status)}` : undefined
  ].filter((part) => part !== undefined)
  if (parts.length > 0) return `${parts.join(', ')} (no message)`
  const shown = error instanceof Error ? error.name : String(error)
  return shown === '' || shown === '[object Object]' ? 'unknown error (no message given)' : `${shown} (no message)`
}

/**
 * A failure this project has put into words for the user itself (a sink's refusal, a Scout set-up that
 * cannot work): shown as it is, where a library's error is re-worded with what the project knows.
 */
export class WordedError extends Error {
  override name = 'WordedError'
}
