/** Publish stage: what people see of the run. */
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { findDockerfiles } from '../dockerfile/find.js'
import { publishDashboard } from '../publish/dashboard.js'
import { locateBases } from '../publish/locate.js'
import { buildSarif, MAX_BYTES, MAX_RESULTS } from '../publish/sarif.js'
import type { FromLine } from '../types/dockerfile.js'
import { errorLine } from '../messages.js'
import { COMMENT_MARKDOWN_LIMIT, publishComment, runUrl } from '../publish/comment.js'
import { annotate, publishOutputs } from '../publish/outputs.js'
import type { RecommendationEntry } from '../publish/recommendations.js'
import { renderSummary } from '../publish/summary.js'
import { artifactName, uploadArtifact } from '../sinks/artifact.js'
import type { BaseChange } from '../types/graph-change.js'
import type { Run } from './run.js'

/** Artifact, outputs, annotations, job summary and pull-request comment: what people see of the run. */
export async function publishStage(run: Run, entries: RecommendationEntry[], changes: BaseChange[] | undefined): Promise<void> {
  const { settings, host } = run
  const images = entries.map((entry) => entry.image)
  // Off a runner (the CLI) there is no artifact service and no pull request: no empty groups for them.
  const artifactId =
    settings.uploadArtifact && (settings.github.artifactService || settings.github.runId !== undefined)
      ? await host.group('Upload the artifact', () =>
          uploadArtifact(
            { github: settings.github, ...(settings.artifactRetentionDays ? { retentionDays: settings.artifactRetentionDays } : {}) },
            settings.artifactName ?? artifactName(settings.github, images, settings.shard),
            settings.outputDir,
            host
          )
        )
      : undefined
  publishOutputs(
    entries,
    { graphFile: settings.graphFile, reportDir: settings.outputDir, ...(artifactId !== undefined ? { artifactId } : {}) },
    host
  )
  const located = await codeScanning(run, entries)
  annotate(entries, located, host)
  const link = runUrl(settings.github)
  const options = {
    ...(link ? { runUrl: link } : {}),
    ...(changes ? { changes } : {}),
    fromLines: (entry: RecommendationEntry) => located.get(entry) ?? []
  }
  if (settings.summary) await host.group('Write the job summary', () => host.writeSummary(renderSummary(entries, options)))
  if (settings.comment === 'always' || (settings.comment === 'auto' && settings.github.pullRequest !== undefined)) {
    // Rendered again at the comment's size, so what gives way is chosen by the renderer, never cut.
    const markdown = renderSummary(entries, { ...options, limit: COMMENT_MARKDOWN_LIMIT, medium: 'comment' })
    await host.group('Pull-request comment', () =>
      publishComment(
        {
          mode: settings.comment,
          ...(settings.githubToken ? { token: settings.githubToken } : {}),
          github: settings.github,
          leg: settings.shard ? `shard ${settings.shard.index}/${settings.shard.count}` : settings.commentKey
        },
        images,
        markdown,
        host
      )
    )
  }
  if (settings.dashboard) {
    const { title } = settings.dashboard
    if (settings.shard) host.warning('dashboard: a shard sees only its slice of the images; the last job (`legs`) writes the dashboard')
    // A pull request's images are not the branch's: its run must not rewrite what the schedule keeps.
    else if (settings.github.fromFork)
      host.warning("dashboard: not written: a fork's pull request gets a read-only token; the scheduled rescans keep it")
    else if (settings.github.pullRequest !== undefined)
      host.notice('dashboard: not written from a pull-request run; the scheduled rescans keep it')
    else
      await host.group('Dashboard issue', () =>
        publishDashboard(
          { title, github: settings.github, ...(settings.githubToken ? { token: settings.githubToken } : {}) },
          entries,
          host,
          { at: new Date(), ...(link ? { runUrl: link } : {}), fromLines: options.fromLines }
        )
      )
  }
}

/**
 * Finds the Dockerfiles, matches each image's base to their `FROM` lines, and writes the SARIF file
 * whenever a Dockerfile was found (with no results when nothing should move, so fixed alerts close).
 */
async function codeScanning(
  { settings, host, ledger }: Run,
  entries: RecommendationEntry[]
): Promise<Map<RecommendationEntry, FromLine[]>> {
  const dockerfiles = settings.dockerfiles
  if (dockerfiles === undefined) return new Map()
  return host.group('Match Dockerfile FROM lines', async () => {
    const index = await findDockerfiles(dockerfiles, host)
    const located = locateBases(entries, index, settings.github)
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
