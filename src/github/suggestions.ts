/**
 * One review of suggestions per head commit of a pull request: the diff is read first (so every anchor is
 * inside it), a head commit already reviewed by this action is not reviewed again, and a refusal is a
 * warning, never a failed step.
 */
import type { Host } from '../host.js'
import type { GithubContext } from '../types/settings.js'
import { githubClient, GITHUB_LIMITS, ONCE, repositoryParams, type GithubLimits } from './client.js'

export const REVIEW_MARKER = '<!-- scout-graph-action:suggestions -->'

export interface ReviewComment {
  path: string
  line: number
  body: string
}

export interface SuggestionTarget {
  token: string
  github: GithubContext
  repository: string
  pullRequest: number
}

/** What the review holds, made from the pull request's diff (path → patch); none when nothing is inside it. */
export type BuildReview = (patches: ReadonlyMap<string, string>) => { body: string; comments: ReviewComment[] } | undefined

/** Posts the review; returns how many suggestions it holds (0 when none was posted). */
export async function publishSuggestions(
  target: SuggestionTarget,
  build: BuildReview,
  host: Host,
  limits: GithubLimits = GITHUB_LIMITS
): Promise<number> {
  const params = repositoryParams(target.repository)
  const client = await githubClient(target.token, target.github, host, limits)
  const { octokit } = client
  const pull_number = target.pullRequest
  try {
    const head = (await octokit.rest.pulls.get({ ...params, pull_number })).data.head.sha
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { ...params, pull_number, per_page: 100 })
    if (reviews.some((review) => review.commit_id === head && (review.body ?? '').includes(REVIEW_MARKER))) {
      host.info(`suggestions: ${head.slice(0, 12)} is already reviewed`)
      return 0
    }
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, { ...params, pull_number, per_page: 100 })
    const review = build(new Map(files.flatMap((file) => (file.patch ? [[file.filename, file.patch]] : []))))
    if (review === undefined || review.comments.length === 0) return 0
    await octokit.rest.pulls.createReview({
      ...params,
      pull_number,
      commit_id: head,
      event: 'COMMENT',
      body: `${review.body}\n\n${REVIEW_MARKER}`,
      comments: review.comments.map((comment) => ({ ...comment, side: 'RIGHT' as const })),
      ...ONCE
    })
    host.info(`suggestions: one review with ${review.comments.length} suggestion(s) on ${head.slice(0, 12)}`)
    return review.comments.length
  } catch (error) {
    host.warning(
      `suggestions: not posted: ${client.problem(error, 'reviews on this pull request', 'pull-requests: write')}; the annotations say the same`
    )
    return 0
  }
}
