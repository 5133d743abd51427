/** What the run publishes: summary, comment, artifact, annotations, and when the step fails. */
import { FAIL_RULES, type Settings, type FailRule } from '../types/settings.js'
import { validateImage } from './images.js'
import { InputError, parseBoolean, parseChoice, parseInteger, splitList } from './values.js'

export type PublishingSettings = Pick<
  Settings,
  'summary' | 'comment' | 'commentKey' | 'uploadArtifact' | 'artifactName' | 'artifactRetentionDays' | 'failOn' | 'dockerfiles'
>

export function publishingSettings(input: (name: string) => string, dockerfiles: string): PublishingSettings {
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
    dockerfiles: parseDockerfiles(dockerfiles)
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

/** `IMAGE=PATH` lines; the path is the workspace-relative one GitHub annotates. */
function parseDockerfiles(value: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of splitList(value, /\n/)) {
    const at = line.indexOf('=')
    if (at <= 0 || at === line.length - 1) throw new InputError('dockerfiles', `expected IMAGE=PATH, got ${JSON.stringify(line)}`)
    map.set(validateImage('dockerfiles', line.slice(0, at).trim()), line.slice(at + 1).trim())
  }
  return map
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
