/**
 * Where each recommendation lands: the Dockerfile `FROM` lines that name the base image Scout reported,
 * matched as Docker resolves references (by `name:tag`, and by digest when the `FROM` pins one). An image
 * mapped to its Dockerfile (`IMAGE=PATH`) is looked for there only; any other image, in every Dockerfile.
 */
import { normalizeReference } from '../dockerfile/reference.js'
import type { DockerfileIndex, FromInstruction, FromLine, ImageName } from '../types/dockerfile.js'
import type { GithubContext } from '../types/settings.js'
import { isOutdated } from '../verdict/entry.js'
import type { Located, RecommendationEntry } from '../types/entry.js'

/** Whether two digests of a repository name one image (an index and one of its platforms' manifests). */
export type SameDigest = (repository: string, a: string, b: string) => boolean

const equalDigests: SameDigest = (_, a, b) => a === b

function sameImage(from: FromInstruction, base: ImageName, sameDigest: SameDigest): boolean {
  if (from.image.repository !== base.repository) return false
  // A pinned digest decides, when the report knows the base's digest; else the tag does.
  if (from.image.digest !== undefined && base.digest !== undefined) return sameDigest(base.repository, from.image.digest, base.digest)
  return from.image.tag !== undefined && from.image.tag === base.tag
}

/**
 * The pinned `FROM`s whose digest differs from the report's for the same repository and tag: with the
 * registry, these may still be one image (the pin an index, the report one platform's manifest of it).
 */
export function digestsToRelate(
  entries: readonly RecommendationEntry[],
  index: DockerfileIndex
): { repository: string; a: string; b: string }[] {
  const pairs = new Map<string, { repository: string; a: string; b: string }>()
  for (const entry of entries) {
    const name = entry.baseImage?.digest ? normalizeReference(`${entry.baseImage.name}:${entry.baseImage.tag}`) : undefined
    if (!isOutdated(entry) || !name || !entry.baseImage?.digest) continue
    for (const from of index.files.flatMap((file) => file.froms)) {
      const pin = from.image.digest
      if (pin && pin !== entry.baseImage.digest && from.image.repository === name.repository && from.image.tag === name.tag)
        pairs.set(`${name.repository} ${pin} ${entry.baseImage.digest}`, { repository: name.repository, a: pin, b: entry.baseImage.digest })
    }
  }
  return [...pairs.values()]
}

function lineUrl(github: GithubContext, file: string, line: number): string | undefined {
  if (!github.repository || !github.sha) return undefined
  return `${github.serverUrl}/${github.repository}/blob/${github.sha}/${file.split('/').map(encodeURIComponent).join('/')}#L${line}`
}

/** The `FROM` lines of each image that should move, in file and line order. */
export function locateBases(
  entries: readonly RecommendationEntry[],
  index: DockerfileIndex,
  github: GithubContext,
  sameDigest: SameDigest = equalDigests
): Located {
  const located: Located = new Map()
  for (const entry of entries) {
    if (!isOutdated(entry) || !entry.baseImage) continue
    const name = normalizeReference(`${entry.baseImage.name}:${entry.baseImage.tag}`)
    if (name === undefined) continue
    const base = { ...name, ...(entry.baseImage.digest ? { digest: entry.baseImage.digest } : {}) }
    const only = index.mapped.get(entry.image)
    const lines: FromLine[] = []
    for (const file of index.files) {
      if (only !== undefined && file.path !== only) continue
      for (const from of file.froms.filter((candidate) => sameImage(candidate, base, sameDigest))) {
        const url = file.outside ? undefined : lineUrl(github, file.path, from.line)
        const stage = from.stageName ?? `#${from.stage}`
        lines.push({
          path: file.path,
          line: from.line,
          stage,
          ...(url ? { url } : {}),
          ...(file.outside ? { outside: true as const } : {})
        })
      }
    }
    if (lines.length > 0) located.set(entry, lines)
  }
  return located
}
