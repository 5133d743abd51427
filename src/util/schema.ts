/**
 * Untrusted JSON (leg manifests, the dashboard's saved state, the policy file) is declared once, as a
 * valibot schema: the type is inferred from it and the check is it. A refusal names the field by its path
 * (`reports[0].file`) and says what it must be, in the words the schema gives each field.
 */
import * as v from 'valibot'

export type Checked<T> = { value: T } | { problem: string }

/** The value as the schema types it, or the first problem found, as `field "path" must be …`. */
export function check<S extends v.GenericSchema>(schema: S, value: unknown): Checked<v.InferOutput<S>> {
  const result = v.safeParse(schema, value, { abortEarly: true })
  if (result.success) return { value: result.output }
  const [issue] = result.issues
  const where = (issue.path ?? []).reduce(
    (path: string, item) =>
      typeof item.key === 'number' ? `${path}[${item.key}]` : path ? `${path}.${String(item.key)}` : String(item.key),
    ''
  )
  // A required key that is absent: the object's schema reports it, at the key's path.
  if (issue.type === 'object' && issue.input === undefined && where !== '') return { problem: `field "${where}" is missing` }
  return { problem: `field "${where || '(top level)'}" must be ${issue.message}` }
}

/** A whole number of at least `min`. */
export const wholeFrom = (min: number, message: string) => v.pipe(v.number(message), v.safeInteger(message), v.minValue(min, message))

/** Text of at most `max` characters, with no control character (it may be shown). */
export const shownText = (max: number, message: string) =>
  v.pipe(v.string(message), v.maxLength(max, message), v.regex(/^\P{Cc}*$/u, message))

/** An object with these entries; a list is not one (valibot's object takes any non-null object). */
export const plainObject = <const E extends v.ObjectEntries>(entries: E, message: string) =>
  v.pipe(
    v.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), message),
    v.object(entries, message)
  )
