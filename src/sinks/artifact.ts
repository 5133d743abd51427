/**
 * The run's files as a workflow artifact: reports, Scout's stderr logs and the graph file, under a
 * name that never collides between matrix legs or re-runs. Off a runner there is no artifact service
 * and the upload is skipped with a notice; a failed upload is a warning, never a failed step.
 */
import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import type { Host } from '../host.js'
import { errorLine } from '../messages.js'
import type { GithubContext } from '../types/settings.js'
import type { Shard } from '../types/settings.js'

export interface ArtifactSettings {
  name?: string
  retentionDays?: number
  github: GithubContext
}

/**
 * `scout-graph-<job>[-<shard>]-<hash of the image set>-<attempt>`: legs differ by shard and images,
 * a re-run by attempt, and the name stays within GitHub's allowed characters.
 */
export function artifactName(github: GithubContext, images: readonly string[], shard?: Shard): string {
  const job = (github.job ?? 'job').replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 60)
  const hash = createHash('sha256')
    .update(JSON.stringify([...new Set(images)].sort()))
    .digest('hex')
    .slice(0, 10)
  return ['scout-graph', job, ...(shard ? [`${shard.index}of${shard.count}`] : []), hash, github.runAttempt ?? '1'].join('-')
}

/** Every file under the output folder but Scout's caches. */
export async function artifactFiles(outputDir: string): Promise<string[]> {
  const entries = await readdir(outputDir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !path.relative(outputDir, file).split(path.sep).includes('.scout-cache'))
    .sort()
}

export async function uploadArtifact(settings: ArtifactSettings, name: string, outputDir: string, host: Host): Promise<number | undefined> {
  if (!settings.github.artifactService) {
    host.info('Artifact upload skipped: no GitHub Actions artifact service here (ACTIONS_RUNTIME_TOKEN is not set)')
    return undefined
  }
  try {
    const files = await artifactFiles(outputDir)
    const { DefaultArtifactClient } = await import('@actions/artifact')
    const response = await new DefaultArtifactClient().uploadArtifact(name, files, outputDir, {
      ...(settings.retentionDays ? { retentionDays: settings.retentionDays } : {})
    })
    host.info(`Uploaded ${files.length} file(s) as artifact ${name} (id ${response.id})`)
    return response.id
  } catch (error) {
    host.warning(`Artifact upload of ${name} failed: ${errorLine(error)}`)
    return undefined
  }
}
