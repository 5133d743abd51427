/**
 * Code-scanning stages: finding the Dockerfiles and matching each image's base to their `FROM` lines (where
 * each image's base is used, for the other products), then, once the fixes are known (a pinned line's new
 * digest), writing the SARIF file whenever a Dockerfile was found (with no results when nothing should move,
 * so fixed alerts close).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { digestsToRelate, locateBases } from '../code-scanning/locate.js'
import { buildSarif, MAX_BYTES, MAX_RESULTS } from '../code-scanning/sarif.js'
import { findDockerfiles } from '../dockerfile/find.js'
import { errorLine } from '../messages.js'
import type { Located, RecommendationEntry } from '../types/entry.js'
import type { FixProposals } from '../types/fix.js'
import { registryOf, type Run } from './run.js'

/** Where each image's base is used, and how many Dockerfiles were read. */
export interface FromLines {
  located: Located
  dockerfiles: number
}

export async function locateStage(run: Run, entries: RecommendationEntry[]): Promise<FromLines> {
  const { settings, host } = run
  const dockerfiles = settings.dockerfiles
  if (dockerfiles === undefined) return { located: new Map(), dockerfiles: 0 }
  return host.group('Match Dockerfile FROM lines', async () => {
    const index = await findDockerfiles(dockerfiles, host)
    // A pin and a report on the same tag with other digests may be one image (an index and its platform's manifest).
    const pairs = digestsToRelate(entries, index)
    const registry = pairs.length > 0 ? registryOf(run) : undefined
    const related = new Set<string>()
    for (const { repository, a, b } of pairs) if (await registry?.sameImage(repository, a, b)) related.add(`${repository} ${a} ${b}`)
    const located = locateBases(entries, index, settings.github, (repository, a, b) => a === b || related.has(`${repository} ${a} ${b}`))
    const lines = new Set([...located.values()].flat().map((from) => `${from.path}:${from.line}`))
    host.info(`${index.files.length} Dockerfile(s) read; ${located.size} image(s) located on ${lines.size} FROM line(s)`)
    return { located, dockerfiles: index.files.length }
  })
}

export async function sarifStage(
  { settings, host, ledger }: Run,
  { located, dockerfiles }: FromLines,
  proposals: FixProposals
): Promise<void> {
  if (dockerfiles === 0) return
  const pins = new Map(
    proposals.plans.flatMap((plan) =>
      plan.files.flatMap((file) => (file.pins ?? []).map((pin) => [`${file.path}\n${pin.line}`, `${plan.target}@${pin.digest}`] as const))
    )
  )
  await host.group('Write the SARIF file', async () => {
    const { log, dropped } = buildSarif(located, pins)
    if (dropped > 0)
      host.warning(
        `sarif-file: ${dropped} result(s) left out for GitHub's limits (${MAX_RESULTS} results, ${MAX_BYTES} bytes); the most urgent are kept`
      )
    try {
      await mkdir(path.dirname(settings.sarifFile), { recursive: true })
      await writeFile(settings.sarifFile, `${JSON.stringify(log, null, 2)}\n`)
      host.setOutput('sarif-file', settings.sarifFile)
      host.info(`SARIF with ${log.runs[0].results?.length ?? 0} result(s) → ${settings.sarifFile}`)
    } catch (error) {
      // Code scanning would keep stale alerts: the step fails, after everything else is published.
      ledger.fail(`sarif-file: not written: ${errorLine(error)}`)
    }
  })
}
