/** Hostile inputs refused before any work, naming the input, on the command line too (exit 2). */
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildSettings } from '../../src/settings/index.js'
import { AS_GIVEN, CARTOGRAPHY } from '../kit/helpers.js'
import { cliInProcess } from '../kit/cli.js'
import { useFakeDocker } from '../kit/fake-scout.js'

const ECR = path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt')
const docker = useFakeDocker()

describe('hostile inputs', () => {
  it('refuses registry:// with nothing after it, and an output-dir that is a file (CLI exit 2)', async () => {
    for (const images of ['registry://', 'registry:///', 'local://']) {
      await expect(buildSettings({ images }, AS_GIVEN)).rejects.toThrow(/^images: image reference .* names nothing after/)
    }
    const file = path.join(docker.outputDir(), 'a-file')
    await writeFile(file, 'x')
    await expect(buildSettings({ reports: ECR, 'output-dir': file }, AS_GIVEN)).rejects.toThrow(
      /^output-dir: .* exists and is not a directory$/
    )
    const cli = await cliInProcess(['--reports', ECR, '--output-dir', file])
    expect(cli.code).toBe(2)
    expect(cli.stderr).toMatch(/output-dir: .* exists and is not a directory/)
  })
})
