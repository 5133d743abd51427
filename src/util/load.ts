/**
 * A CommonJS package loaded with `import()`. Node gives its exports by name and as `default`; a bundle
 * that splits lazy chunks gives them as `default` only. Either way, this returns the exports.
 */
export async function loadCommonJs<T extends object>(load: () => Promise<T>): Promise<T> {
  const module = await load()
  const exports = (module as { default?: unknown }).default
  return (typeof exports === 'object' && exports !== null ? exports : module) as T
}
