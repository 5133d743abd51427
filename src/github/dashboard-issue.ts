/**
 * The dashboard issue on GitHub: one issue per repository and title, found again by its marker and
 * rewritten in place; a closed one stays closed. Only the REST API's issues endpoints, so it works on
 * GitHub Enterprise Server too. It never fails the step: without permission, a warning.
 */
import type { Host } from '../host.js'
import type { GithubContext } from '../types/settings.js'
import { githubClient, GITHUB_LIMITS, ONCE, repositoryParams, type GithubLimits } from './client.js'
import { dataOf, findMarked, writeMarked } from './marked.js'

/** Authors without write access: a look-alike issue of theirs is never taken for the dashboard. */
const OUTSIDERS = new Set(['NONE', 'FIRST_TIMER', 'FIRST_TIME_CONTRIBUTOR', 'CONTRIBUTOR', 'MANNEQUIN'])

export interface DashboardTarget {
  title: string
  /** The hidden marker the body carries (`dashboardMarker`). */
  marker: string
  token: string
  github: GithubContext
  repository: string
}

interface ListedIssue {
  number: number
  state: string
  body?: string | null
  html_url: string
  pull_request?: unknown
  author_association?: string
  user: { type?: string } | null
}

/** Creates or rewrites the dashboard with the body `render` makes of the last one's. Returns its URL, if written. */
export async function publishDashboard(
  target: DashboardTarget,
  render: (previousBody: string | undefined) => string,
  host: Host,
  limits: GithubLimits = GITHUB_LIMITS
): Promise<string | undefined> {
  const params = repositoryParams(target.repository)
  const client = await githubClient(target.token, target.github, host, limits)
  const { octokit } = client
  try {
    // The dashboard is rewritten on every run, so sorting by update finds it on the first page.
    const pages = octokit.paginate.iterator(octokit.rest.issues.listForRepo, {
      ...params,
      state: 'all',
      sort: 'updated',
      direction: 'desc',
      per_page: 100
    })
    const { found } = await findMarked({
      pages: dataOf(pages as AsyncIterable<{ data: ListedIssue[] }>),
      tests: [
        (issue) =>
          !issue.pull_request &&
          (issue.body ?? '').includes(target.marker) &&
          (issue.user?.type === 'Bot' || !OUTSIDERS.has(issue.author_association ?? ''))
      ],
      stopEarly: true
    })
    if (found?.state === 'closed') {
      host.notice(`dashboard: ${found.html_url} was closed; it stays closed (and is not updated) until someone reopens it`)
      return undefined
    }
    const body = render(found?.body ?? undefined)
    const written = await writeMarked(found, {
      update: async (issue) => (await octokit.rest.issues.update({ ...params, issue_number: issue.number, body })).data,
      create: async () => (await octokit.rest.issues.create({ ...params, title: target.title, body, ...ONCE })).data
    })
    host.info(`${written.created ? 'Created' : 'Updated'} the dashboard issue ${written.url}`)
    return written.url
  } catch (error) {
    host.warning(`dashboard: not written: ${client.problem(error, 'issues here', 'issues: write')}; the job summary has the same tables`)
    return undefined
  }
}
