/** Parsing single input values, every failure an InputError naming the input. */
import { redact } from '../messages.js'

export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(redact(`${input}: ${message}`))
    this.name = 'InputError'
  }
}

export function splitList(value: string, separator: RegExp): string[] {
  return value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

/** Values passed as `--flag value` must not themselves look like flags. */
export function safeArgument(input: string, value: string): string {
  if (value.startsWith('-') || /[\p{Cc}]/u.test(value)) {
    throw new InputError(input, `${JSON.stringify(value)} is not a valid value (no leading "-" or control characters)`)
  }
  return value
}

export function parseBoolean(input: string, value: string): boolean {
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(input, `expected true or false, got ${JSON.stringify(value)}`)
}

export function parseInteger(input: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(input, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return Number(value)
}

export function parseChoice<T extends string>(input: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new InputError(input, `expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value as T
}

export function parseVersion(input: string, value: string): string {
  const version = value.replace(/^v/, '')
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new InputError(input, `expected a release like 1.23.0, got ${JSON.stringify(value)}`)
  return version
}

/** A URI as error messages may show it: never its user information, even when it does not parse. */
export function shownUri(value: string): string {
  if (!value.includes('@')) return JSON.stringify(value.slice(0, 200))
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*:)/.exec(value)?.[1] ?? ''
  return `${JSON.stringify(`${scheme}…`)} (the rest is hidden: it holds an "@", so maybe a password)`
}
