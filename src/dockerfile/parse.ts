/**
 * The `FROM` instructions of a Dockerfile, read with `dockerfile-ast` (the parser of the VS Code Docker
 * tooling): line continuations, comments, parser directives, `--platform`, `AS name`, and `ARG`
 * defaults declared before the first `FROM` substituted. Stage references and `scratch` name no image.
 */
import { DockerfileParser } from 'dockerfile-ast'
import type { FromInstruction } from '../types/dockerfile.js'
import { normalizeReference } from './reference.js'

export function readFroms(text: string): FromInstruction[] {
  const froms: FromInstruction[] = []
  const stages = new Set<string>()
  DockerfileParser.parse(text)
    .getFROMs()
    .forEach((from, stage) => {
      // dockerfile-ast substitutes ARG defaults; `${NAME:-word}` of an ARG without one is its word; quotes
      // go, as BuildKit's shell-word processing removes them (`FROM "node:20"` is node:20).
      const reference = (from.getExpandedArguments()[0]?.getValue() ?? '')
        .replace(/\$\{[A-Za-z_]\w*:?-([^${}]*)\}/g, '$1')
        .replace(/"([^"]*)"|'([^']*)'/g, '$1$2')
      const stageName = from.getBuildStage() ?? undefined
      const image = stages.has(reference.toLowerCase()) || reference.toLowerCase() === 'scratch' ? undefined : normalizeReference(reference)
      if (stageName) stages.add(stageName.toLowerCase())
      if (image) froms.push({ line: from.getRange().start.line + 1, stage, ...(stageName ? { stageName } : {}), reference, image })
    })
  return froms
}
