/**
 * Image references compared the way Docker resolves them: `node`, `library/node`, `docker.io/library/node`
 * and `index.docker.io/library/node` are one image, and no tag means `latest`.
 */
import type { ImageName } from '../types/dockerfile.js'

const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io'])

/** Normalises a reference; undefined for what names no image (empty, or with whitespace or a variable). */
export function normalizeReference(reference: string): ImageName | undefined {
  if (reference === '' || /[\s$]/.test(reference)) return undefined
  const at = reference.indexOf('@')
  const digest = at >= 0 ? reference.slice(at + 1) : undefined
  let name = at >= 0 ? reference.slice(0, at) : reference
  let tag: string | undefined
  const colon = name.lastIndexOf(':')
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1)
    name = name.slice(0, colon)
  }
  if (name === '' || tag === '') return undefined
  const slash = name.indexOf('/')
  const first = slash >= 0 ? name.slice(0, slash) : ''
  // Docker's rule: the first component is a registry when it has a dot or a port, or is localhost.
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')
  let registry = hasRegistry ? first : 'docker.io'
  let path = hasRegistry ? name.slice(slash + 1) : name
  if (HUB_ALIASES.has(registry)) {
    registry = 'docker.io'
    if (!path.includes('/')) path = `library/${path}`
  }
  return {
    repository: `${registry}/${path}`,
    ...(tag !== undefined ? { tag } : digest === undefined ? { tag: 'latest' } : {}),
    ...(digest !== undefined ? { digest } : {})
  }
}
