/**
 * The GitHub room's one client: every REST and GraphQL call the project makes goes through it, and a
 * refusal is put into words here. Octokit loads only when a run talks to GitHub.
 */
import type { GithubContext } from '../types/settings.js'

/** An Octokit for this run's API (GitHub, or GitHub Enterprise Server through `GITHUB_API_URL`). */
export async function githubClient(token: string, github: GithubContext) {
  const { getOctokit } = await import('@actions/github')
  return getOctokit(token, { baseUrl: github.apiUrl })
}

export type GithubClient = Awaited<ReturnType<typeof githubClient>>

/** Why GitHub refused: a missing permission (403, 404, as on a fork's pull request), or its status. */
export function refusal(error: unknown, what: string, permission: string): string {
  const status = (error as { status?: number }).status
  return status === 403 || status === 404
    ? `the token may not write ${what} (a fork, or no \`${permission}\` permission)`
    : `GitHub answered ${status ?? 'with an error'}`
}

/** The link to this workflow run, which the summary, the comment and the dashboard give. */
export function runUrl(github: GithubContext): string | undefined {
  return github.repository && github.runId ? `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}` : undefined
}

/** `owner/name` as the REST API's two path parameters. */
export function repositoryParams(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/')
  return { owner, repo }
}
