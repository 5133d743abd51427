/** Outputs stage: the step's outputs, and a warning annotation per image that should move. */
import { annotate, publishOutputs } from '../outputs/outputs.js'
import type { Located, RecommendationEntry } from '../types/entry.js'
import type { Run } from './run.js'

export async function outputsStage(
  { settings, host }: Run,
  entries: readonly RecommendationEntry[],
  artifactId: number | undefined,
  located: Located
): Promise<void> {
  await host.group('Set the outputs and annotations', async () => {
    const values = { graphFile: settings.graphFile, reportDir: settings.outputDir, ...(artifactId !== undefined ? { artifactId } : {}) }
    publishOutputs(entries, values, host)
    annotate(entries, located, host)
  })
}
