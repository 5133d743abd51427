/**
 * Every input of the action, declared once: the action reads `INPUT_*` for these names, the CLI
 * accepts a flag of each name, and a test checks that `action.yml` declares exactly these with the
 * same defaults. Descriptions live in `action.yml`.
 */

/** `secret`: masked in the runner's log as soon as it is read (passwords, tokens, and the user names that go with them). */
export type InputKind = 'string' | 'list' | 'boolean' | 'integer' | 'secret'

export interface InputSpec<Name extends string = InputName> {
  name: Name
  kind: InputKind
  /** The default `action.yml` declares; dynamic defaults are computed in settings/. */
  default?: string
  /** Environment variables the CLI reads when the flag is not given. */
  env?: readonly string[]
}

const DECLARED = [
  { name: 'images', kind: 'list' },
  { name: 'images-file', kind: 'string' },
  { name: 'shard', kind: 'string' },
  { name: 'reports', kind: 'list' },
  { name: 'legs', kind: 'list' },
  { name: 'output-dir', kind: 'string' },
  { name: 'platform', kind: 'string' },
  { name: 'tag', kind: 'string' },
  { name: 'org', kind: 'string' },
  { name: 'only-refresh', kind: 'boolean', default: 'false' },
  { name: 'only-update', kind: 'boolean', default: 'false' },
  { name: 'concurrency', kind: 'integer', default: '1' },
  { name: 'timeout-seconds', kind: 'integer', default: '600' },
  { name: 'retries', kind: 'integer', default: '2' },
  { name: 'dockerhub-user', kind: 'secret', env: ['DOCKER_SCOUT_HUB_USER'] },
  { name: 'dockerhub-password', kind: 'secret', env: ['DOCKER_SCOUT_HUB_PASSWORD'] },
  { name: 'registry-user', kind: 'secret', env: ['DOCKER_SCOUT_REGISTRY_USER'] },
  { name: 'registry-password', kind: 'secret', env: ['DOCKER_SCOUT_REGISTRY_PASSWORD'] },
  { name: 'scout-version', kind: 'string' },
  { name: 'upload-artifact', kind: 'boolean', default: 'true' },
  { name: 'artifact-name', kind: 'string' },
  { name: 'artifact-retention-days', kind: 'integer' },
  { name: 'summary', kind: 'boolean', default: 'true' },
  { name: 'comment', kind: 'string', default: 'auto' },
  { name: 'comment-key', kind: 'string', default: '${{ toJSON(matrix) }}' },
  { name: 'github-token', kind: 'secret', default: '${{ github.token }}', env: ['GITHUB_TOKEN'] },
  { name: 'neo4j-uri', kind: 'string', env: ['NEO4J_URI'] },
  { name: 'neo4j-user', kind: 'string', default: 'neo4j', env: ['NEO4J_USER'] },
  { name: 'neo4j-password', kind: 'secret', env: ['NEO4J_PASSWORD'] },
  { name: 'neo4j-database', kind: 'string', env: ['NEO4J_DATABASE'] },
  { name: 'graph-mode', kind: 'string', default: 'cartography' },
  { name: 'update-tag', kind: 'string' },
  { name: 'cleanup', kind: 'boolean', default: 'false' },
  { name: 's3-uri', kind: 'string' },
  { name: 's3-prune', kind: 'boolean', default: 'false' },
  { name: 'fail-on', kind: 'string', default: 'error' },
  { name: 'moves', kind: 'string' },
  { name: 'policy-file', kind: 'string' },
  { name: 'dockerfiles', kind: 'list', default: 'auto' },
  { name: 'sarif-file', kind: 'string' },
  { name: 'graph-file', kind: 'string' },
  { name: 'dashboard', kind: 'boolean', default: 'false' },
  { name: 'fix-prs', kind: 'boolean', default: 'false' },
  { name: 'fix-pr-limit', kind: 'string', default: '5' },
  { name: 'fix-pr-labels', kind: 'string', default: 'dependencies,security' },
  { name: 'fix-pr-token', kind: 'secret' },
  { name: 'suggestions', kind: 'string', default: 'auto' },
  { name: 'cache', kind: 'boolean', default: 'true' },
  { name: 'cache-max-age-days', kind: 'string', default: '14' },
  { name: 'cache-max-mb', kind: 'string', default: '2000' },
  { name: 'dashboard-title', kind: 'string', default: 'Base image recommendations' }
] as const satisfies readonly InputSpec<string>[]

/** An input's name: a misspelt one does not compile. */
export type InputName = (typeof DECLARED)[number]['name']

export const INPUTS: readonly InputSpec[] = DECLARED

/** Reads one input's value ('' when unset), as the settings builder gives it to each concern. */
export type InputReader = (name: InputName) => string

/** Raw input values by name, as the runner or the command line gave them ('' when unset). */
export type RawInputs = Partial<Record<InputName, string>>
