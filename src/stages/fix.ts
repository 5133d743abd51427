/**
 * Fix stages: the patch of every proposed move (written on every run, the dry run of the pull requests),
 * then the fix pull requests and the suggestions on a pull request, with every rule of when they are written.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { FIX_TEXTS } from '../fix/texts.js'
import { runUrl } from '../github/client.js'
import { publishFixPrs } from '../github/fix-prs.js'
import { publishSuggestions } from '../github/suggestions.js'
import { suggestionsFor } from '../fix/suggest.js'
import { errorLine } from '../messages.js'
import type { Located, RecommendationEntry } from '../types/entry.js'
import type { FixProposals, FixResult } from '../types/fix.js'
import { isInside } from '../util/paths.js'
import { registryClient, REGISTRY_LIMITS, type RegistryCredentials } from '../registry/client.js'
import { normalizeReference } from '../dockerfile/reference.js'
import { baseReference } from '../verdict/entry.js'
import type { Run } from './run.js'

export async function fixPatchStage(
  { settings, host }: Run,
  entries: readonly RecommendationEntry[],
  located: Located
): Promise<FixProposals> {
  const root = settings.dockerfiles?.root
  if (root === undefined || located.size === 0) return { plans: [], notProposed: [] }
  return host.group('Propose fixes', async () => {
    const read = (file: string) => {
      const full = path.resolve(root, file)
      return isInside(root, full) ? readFile(full, 'utf8').catch(() => undefined) : Promise.resolve(undefined)
    }
    // The Dockerfile parser and the diff load only when there is a FROM line to move.
    const [{ planFixes }, { renderPatch }] = await Promise.all([import('../fix/plan.js'), import('../fix/patch.js')])
    const registry = registryClient({ credentials: registryCredentials(settings), hubRegistry: settings.hubRegistry, ...REGISTRY_LIMITS })
    const proposals = await planFixes(entries, located, read, (repository, pinned, tag) => registry.pinFor(repository, pinned, tag))
    for (const skipped of proposals.notProposed)
      host.info(
        `${skipped.base}: not proposed${skipped.path ? ` (${skipped.path}${skipped.line ? `:${skipped.line}` : ''})` : ''}: ${skipped.reason}`
      )
    if (proposals.plans.length === 0) return proposals
    try {
      await mkdir(path.dirname(settings.fixPatchFile), { recursive: true })
      await writeFile(settings.fixPatchFile, renderPatch(proposals.plans))
      host.setOutput('fix-patch', settings.fixPatchFile)
      host.info(`${proposals.plans.length} base(s) to move → ${settings.fixPatchFile} (git apply takes it)`)
    } catch (error) {
      host.warning(`fix-patch: not written: ${errorLine(error)}`)
    }
    return proposals
  })
}

/**
 * Docker Hub's credentials for `docker.io`; the private registry's for the registries of the images this run
 * scans (never for a registry only a Dockerfile names, which could be anyone's).
 */
function registryCredentials({ scan, images }: Run['settings']): Map<string, RegistryCredentials> {
  const pair = (username?: string, password?: string) => (username && password ? { username, password } : undefined)
  const credentials = new Map<string, RegistryCredentials>()
  const hub = pair(scan.credentials.DOCKER_SCOUT_HUB_USER, scan.credentials.DOCKER_SCOUT_HUB_PASSWORD)
  if (hub) credentials.set('docker.io', hub)
  const own = pair(scan.credentials.DOCKER_SCOUT_REGISTRY_USER, scan.credentials.DOCKER_SCOUT_REGISTRY_PASSWORD)
  for (const image of own ? images : []) {
    const repository = normalizeReference(image.replace(/^[a-z-]+:\/\//, ''))?.repository
    const registry = repository?.slice(0, repository.indexOf('/'))
    if (registry && registry !== 'docker.io') credentials.set(registry, own as RegistryCredentials)
  }
  return credentials
}

export async function fixPrStage(
  { settings, host, ledger }: Run,
  entries: readonly RecommendationEntry[],
  proposals: FixProposals
): Promise<FixResult | undefined> {
  const { github, fixPrs } = settings
  if (!fixPrs) return undefined
  if (settings.shard)
    return void host.warning('fix-prs: a shard sees only its slice of the images; the last job (`legs`) writes the fix pull requests')
  if (github.pullRequest !== undefined)
    return void host.notice('fix-prs: not from a pull-request run; the scheduled rescans keep the fix pull requests')
  if (!github.repository) return void host.warning('fix-prs: this run belongs to no repository (off GitHub); the fix patch has the change')
  const token = fixPrs.token ?? settings.githubToken
  if (!token) return void host.warning('fix-prs: no token (fix-pr-token or github-token); the fix patch has the change')
  const recommended = new Set(entries.filter((entry) => entry.bestMove).map(baseReference))
  const failed = entries.some((entry) => entry.status === 'failed')
  const target = {
    token,
    github,
    repository: github.repository,
    labels: fixPrs.labels,
    limit: fixPrs.limit,
    recommended,
    // Closing is destructive: only after a run that read every report and lost nothing.
    mayClose: !failed && ledger.blocker() === undefined,
    ...(runUrl(github) ? { runUrl: runUrl(github) } : {})
  }
  return host.group('Fix pull requests', async () => {
    const result = await publishFixPrs(proposals.plans, target, FIX_TEXTS, host)
    const said = (['opened', 'updated', 'unchanged', 'waiting', 'declined', 'frozen', 'closed'] as const)
      .map((key) => `${result[key].length} ${key}`)
      .join(', ')
    host.info(`fix pull requests: ${said}${result.skipped.length > 0 ? `, ${result.skipped.length} skipped` : ''}`)
    return result
  })
}

export async function suggestionsStage({ settings, host }: Run, proposals: FixProposals): Promise<void> {
  const { github } = settings
  if (settings.suggestions === 'never' || github.pullRequest === undefined || proposals.plans.length === 0) return
  if (github.fromFork) return host.notice("suggestions: a fork's pull request gets a read-only token; the annotations say the same")
  if (!github.repository || !settings.githubToken)
    return host.warning('suggestions: no github-token or repository; the annotations say the same')
  const target = { token: settings.githubToken, github, repository: github.repository, pullRequest: github.pullRequest }
  await host.group('Suggestions on the pull request', () =>
    publishSuggestions(
      target,
      (patches) => {
        const { suggestions, outside } = suggestionsFor(proposals.plans, patches)
        if (outside > 0) host.info(`suggestions: ${outside} line(s) to move are outside the diff; their annotations stand`)
        if (suggestions.length === 0) return undefined
        return { body: `scout-graph-action: ${suggestions.length} FROM line(s) with a move the move policy allows.`, comments: suggestions }
      },
      host
    )
  )
}
