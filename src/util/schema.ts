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
  // A required key that is absent: the object reports it, in its own words; the key's schema says what it must be.
  if (issue.type === 'object' && issue.input === undefined && issue.path !== undefined) {
    const expected = schemaAt(
      schema,
      issue.path.map((item) => item.key)
    )
    const said = expected && v.safeParse(expected, undefined)
    return { problem: said && !said.success ? `field "${where}" must be ${said.issues[0].message}` : `field "${where}" is missing` }
  }
  return { problem: `field "${where || '(top level)'}" must be ${issue.message}` }
}

/** The schema of the value at `keys`, through objects, lists, tuples, pipes and optional wrappers. */
function schemaAt(schema: v.GenericSchema, keys: readonly unknown[]): v.GenericSchema | undefined {
  let current = schema as unknown as Record<string, unknown> | undefined
  const unwrap = () => {
    while (current && (current.pipe || current.wrapped)) {
      if (current.wrapped) current = current.wrapped as Record<string, unknown>
      else current = (current.pipe as Record<string, unknown>[]).findLast((item) => item.kind === 'schema' && item.type !== 'custom')
    }
  }
  for (const key of keys) {
    unwrap()
    if (current === undefined) return undefined
    const entries = current.entries as Record<string, unknown> | undefined
    const items = current.items as unknown[] | undefined
    current = (entries?.[String(key)] ?? items?.[Number(key)] ?? current.item) as Record<string, unknown> | undefined
  }
  return current as unknown as v.GenericSchema | undefined
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
