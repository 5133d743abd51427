/** What the run publishes: summary, comment, artifact, annotations, and when the step fails. */
import path from 'node:path'
import { FAIL_RULES, type DockerfileSettings, type FailRule, type FixPrSettings, type Settings } from '../types/settings.js'
import { validateImage } from './images.js'
import { InputError, parseBoolean, parseChoice, parseInteger, splitList } from './values.js'
import type { InputReader } from '../inputs.js'

export type PublishingSettings = Pick<
  Settings,
  | 'summary'
  | 'comment'
  | 'commentKey'
  | 'uploadArtifact'
  | 'artifactName'
  | 'artifactRetentionDays'
  | 'failOn'
  | 'dockerfiles'
  | 'sarifFile'
  | 'fixPatchFile'
  | 'fixPrs'
  | 'suggestions'
>

export function publishingSettings(input: InputReader, outputDir: string, workspace: string): PublishingSettings {
  const dockerfiles = parseDockerfiles(input('dockerfiles'), workspace)
  return {
    summary: parseBoolean('summary', input('summary')),
    comment: parseChoice('comment', input('comment'), ['auto', 'always', 'never']),
    commentKey: input('comment-key'),
    uploadArtifact: parseBoolean('upload-artifact', input('upload-artifact')),
    ...(input('artifact-name') ? { artifactName: parseArtifactName(input('artifact-name')) } : {}),
    ...(input('artifact-retention-days')
      ? { artifactRetentionDays: parseInteger('artifact-retention-days', input('artifact-retention-days'), 1, 90) }
      : {}),
    failOn: parseFailOn(input('fail-on')),
    ...(dockerfiles ? { dockerfiles } : {}),
    sarifFile: path.resolve(input('sarif-file') || path.join(outputDir, 'scout-graph.sarif')),
    ...(parseBoolean('dashboard', input('dashboard')) ? { dashboard: { title: parseTitle(input('dashboard-title')) } } : {}),
    fixPatchFile: path.join(outputDir, 'fix.patch'),
    ...(parseBoolean('fix-prs', input('fix-prs')) ? { fixPrs: parseFixPrs(input) } : {}),
    suggestions: parseChoice('suggestions', input('suggestions'), ['auto', 'never'])
  }
}

function parseFixPrs(input: InputReader): FixPrSettings {
  const labels = splitList(input('fix-pr-labels'), /,/)
  for (const label of labels) {
    // GitHub's limit for a label name, and no control characters.
    if (label.length > 50 || /\p{Cc}/u.test(label))
      throw new InputError('fix-pr-labels', `${JSON.stringify(label.slice(0, 60))} is not a label name (at most 50 characters, one line)`)
  }
  return {
    limit: parseInteger('fix-pr-limit', input('fix-pr-limit'), 0, 100),
    labels: [...new Set(labels)],
    ...(input('fix-pr-token') ? { token: input('fix-pr-token') } : {})
  }
}

/** GitHub refuses these characters in artifact names. */
function parseArtifactName(value: string): string {
  if (/["<>|*?:\\/\p{Cc}]/u.test(value) || value.length > 200) {
    throw new InputError(
      'artifact-name',
      `${JSON.stringify(value)} is not a valid artifact name (no " : < > | * ? \\ / or control characters)`
    )
  }
  return value
}

/** `none`; or lines of `auto`, `IMAGE=PATH` and glob patterns (a line with `=` maps an image). */
function parseDockerfiles(value: string, root: string): DockerfileSettings | undefined {
  const lines = splitList(value || 'auto', /\n/)
  if (lines.length === 1 && lines[0] === 'none') return undefined
  const settings: DockerfileSettings = { mapped: new Map(), patterns: [], auto: false, root }
  const fileOf = (file: string) => {
    if (path.resolve(root, file) === root || file.includes('\0'))
      throw new InputError('dockerfiles', `${JSON.stringify(file)} names no file`)
    return file
  }
  for (const line of lines) {
    const at = line.indexOf('=')
    if (line === 'auto') settings.auto = true
    else if (line === 'none') throw new InputError('dockerfiles', 'none stands alone: it turns Dockerfiles off')
    else if (at < 0) settings.patterns.push(fileOf(line))
    else if (at === 0 || at === line.length - 1) throw new InputError('dockerfiles', `expected IMAGE=PATH, got ${JSON.stringify(line)}`)
    else settings.mapped.set(validateImage('dockerfiles', line.slice(0, at).trim()), fileOf(line.slice(at + 1).trim()))
  }
  return settings
}

/** An issue title GitHub takes: one line, not blank, at most 256 characters. */
function parseTitle(value: string): string {
  if (value === '' || value.length > 256 || /\p{Cc}/u.test(value))
    throw new InputError('dashboard-title', `expected one line of 1 to 256 characters, got ${JSON.stringify(value.slice(0, 80))}`)
  return value
}

function parseFailOn(value: string): FailRule[] {
  const words = splitList(value, /,/)
  if (words.length === 1 && words[0] === 'none') return []
  for (const word of words) {
    if (!(FAIL_RULES as readonly string[]).includes(word)) {
      throw new InputError(
        'fail-on',
        `unknown word ${JSON.stringify(word)} (expected a comma list of ${FAIL_RULES.join(', ')}, or none alone)`
      )
    }
  }
  if (words.length === 0) throw new InputError('fail-on', 'expected at least one rule, or none')
  return [...new Set(words)] as FailRule[]
}
