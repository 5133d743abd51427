/** Artifact stage: the reports, logs, manifest and graph file as a workflow artifact; returns its id. */
import { artifactName, uploadArtifact } from '../sinks/artifact.js'
import type { RecommendationEntry } from '../types/entry.js'
import type { Run } from './run.js'

export async function artifactStage({ settings, host }: Run, entries: readonly RecommendationEntry[]): Promise<number | undefined> {
  // Off a runner (the CLI) there is no artifact service: no empty group for it.
  if (!settings.uploadArtifact || !(settings.github.artifactService || settings.github.runId !== undefined)) return undefined
  const images = entries.map((entry) => entry.image)
  return host.group('Upload the artifact', () =>
    uploadArtifact(
      { github: settings.github, ...(settings.artifactRetentionDays ? { retentionDays: settings.artifactRetentionDays } : {}) },
      settings.artifactName ?? artifactName(settings.github, images, settings.shard),
      settings.outputDir,
      host
    )
  )
}
