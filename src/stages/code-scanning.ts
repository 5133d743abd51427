/**
 * Code-scanning stage: finds the Dockerfiles, matches each image's base to their `FROM` lines, and writes
 * the SARIF file whenever a Dockerfile was found (with no results when nothing should move, so fixed alerts
 * close). Returns where each image's base is used, for the other products.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { digestsToRelate, locateBases } from '../code-scanning/locate.js'
import { buildSarif, MAX_BYTES, MAX_RESULTS } from '../code-scanning/sarif.js'
import { findDockerfiles } from '../dockerfile/find.js'
import { errorLine } from '../messages.js'
import type { Located, RecommendationEntry } from '../types/entry.js'
import { registryOf, type Run } from './run.js'

export async function codeScanningStage(run: Run, entries: RecommendationEntry[]): Promise<Located> {
  const { settings, host, ledger } = run
  const dockerfiles = settings.dockerfiles
  if (dockerfiles === undefined) return new Map()
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
    if (index.files.length === 0) return located
    const { log, dropped } = buildSarif(located)
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
    return located
  })
}
