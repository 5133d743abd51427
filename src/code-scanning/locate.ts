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

function sameImage(from: FromInstruction, base: ImageName): boolean {
  if (from.image.repository !== base.repository) return false
  // A pinned digest decides, when the report knows the base's digest; else the tag does.
  if (from.image.digest !== undefined && base.digest !== undefined) return from.image.digest === base.digest
  return from.image.tag !== undefined && from.image.tag === base.tag
}

function lineUrl(github: GithubContext, file: string, line: number): string | undefined {
  if (!github.repository || !github.sha) return undefined
  return `${github.serverUrl}/${github.repository}/blob/${github.sha}/${file.split('/').map(encodeURIComponent).join('/')}#L${line}`
}

/** The `FROM` lines of each image that should move, in file and line order. */
export function locateBases(entries: readonly RecommendationEntry[], index: DockerfileIndex, github: GithubContext): Located {
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
      for (const from of file.froms.filter((candidate) => sameImage(candidate, base))) {
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
