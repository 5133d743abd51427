/** Small helpers for what the action says: one-line error causes, and secrets kept out of text. */

/** The first line of an error's message: enough to name the cause in a log line or a step error. */
export function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].trim()
}

/** The text with every non-empty secret replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((redacted, secret) => (secret === '' ? redacted : redacted.replaceAll(secret, '***')), text)
}
