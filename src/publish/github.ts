/** What the comment and the dashboard share of GitHub's REST API: a client, and a refusal put into words. */
import type { GithubContext } from '../types/settings.js'

/** An Octokit for this run's API (GitHub, or GitHub Enterprise Server through `GITHUB_API_URL`). */
export async function restClient(token: string, github: GithubContext) {
  const { getOctokit } = await import('@actions/github')
  return getOctokit(token, { baseUrl: github.apiUrl })
}

/** Why GitHub refused: a missing permission (403, 404, as on a fork's pull request), or its status. */
export function refusal(error: unknown, what: string, permission: string): string {
  const status = (error as { status?: number }).status
  return status === 403 || status === 404
    ? `the token may not write ${what} (a fork, or no \`${permission}\` permission)`
    : `GitHub answered ${status ?? 'with an error'}`
}
