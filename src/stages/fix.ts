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
import { baseReference } from '../verdict/entry.js'
import { registryOf, type Run } from './run.js'

export async function fixPatchStage(run: Run, entries: readonly RecommendationEntry[], located: Located): Promise<FixProposals> {
  const { settings, host } = run
  const root = settings.dockerfiles?.root
  if (root === undefined || located.size === 0) return { plans: [], notProposed: [] }
  return host.group('Propose fixes', async () => {
    const read = (file: string) => {
      const full = path.resolve(root, file)
      return isInside(root, full) ? readFile(full, 'utf8').catch(() => undefined) : Promise.resolve(undefined)
    }
    // The Dockerfile parser and the diff load only when there is a FROM line to move.
    const [{ planFixes }, { renderPatch }] = await Promise.all([import('../fix/plan.js'), import('../fix/patch.js')])
    const registry = registryOf(run)
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
