/** Publish stage: what people see of the run. */
import { COMMENT_MARKDOWN_LIMIT, publishComment, runUrl } from '../publish/comment.js'
import { annotate, publishOutputs } from '../publish/outputs.js'
import type { RecommendationEntry } from '../publish/recommendations.js'
import { renderSummary } from '../publish/summary.js'
import { artifactName, uploadArtifact } from '../sinks/artifact.js'
import type { BaseChange } from '../types/graph-change.js'
import type { Run } from './run.js'

/** Artifact, outputs, annotations, job summary and pull-request comment: what people see of the run. */
export async function publishStage(
  { settings, host }: Run,
  entries: RecommendationEntry[],
  changes: BaseChange[] | undefined
): Promise<void> {
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
  await annotate(entries, settings.dockerfiles, host)
  const link = runUrl(settings.github)
  const options = { ...(link ? { runUrl: link } : {}), ...(changes ? { changes } : {}) }
  const summary = renderSummary(entries, options)
  if (settings.summary) await host.group('Write the job summary', () => host.writeSummary(summary))
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
}
