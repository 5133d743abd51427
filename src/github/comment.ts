/**
 * One sticky pull-request comment per workflow, job and matrix leg: found again by a hidden marker and
 * updated in place, so matrix legs never overwrite one another, a new push never adds a second comment,
 * and a pull request whose image list changes keeps its one comment. It never fails the step: without
 * permission (a fork's pull request) it is a warning, and the job summary carries the same text. When to
 * comment at all is the comment stage's to decide.
 */
import { createHash } from 'node:crypto'
import type { Host } from '../host.js'
import type { GithubContext } from '../types/settings.js'
import { githubClient, GITHUB_LIMITS, ONCE, repositoryParams, type GithubLimits } from './client.js'
import { dataOf, findMarked, writeMarked } from './marked.js'

/** GitHub refuses a comment body over 65,536 characters; the marker takes some of them. */
export const COMMENT_LIMIT = 65_536
export const COMMENT_MARKDOWN_LIMIT = COMMENT_LIMIT - 100

const hash = (parts: unknown[]) => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16)

/** The marker of this job's comment: workflow, job and leg (the shard, or the job's matrix values). */
export function commentMarker(github: GithubContext, leg: string): string {
  return `<!-- scout-graph-action:comment ${hash([github.workflow ?? '', github.job ?? '', leg])} -->`
}

/** What versions before 0.2 keyed a comment by: workflow, job and the image set. */
export function legacyCommentMarker(github: GithubContext, images: readonly string[]): string {
  return `<!-- scout-graph-action ${hash([github.workflow ?? '', github.job ?? '', [...new Set(images)].sort()])} -->`
}
const LEGACY_MARKER = /^<!-- scout-graph-action [0-9a-f]{16} -->/

export interface CommentTarget {
  token: string
  github: GithubContext
  repository: string
  pullRequest: number
  /** What tells this job's comment apart from its matrix siblings': the shard, or the job's matrix values. */
  leg: string
}

/** Creates or updates the comment; returns its URL, or undefined when GitHub refused (a warning says why). */
export async function publishComment(
  target: CommentTarget,
  images: readonly string[],
  markdown: string,
  host: Host,
  limits: GithubLimits = GITHUB_LIMITS
): Promise<string | undefined> {
  const { github, pullRequest } = target
  const params = repositoryParams(target.repository)
  const marker = commentMarker(github, target.leg)
  const legacy = legacyCommentMarker(github, images)
  const body = `${marker}\n${markdown}`
  const client = await githubClient(target.token, github, host, limits)
  const { octokit } = client
  try {
    const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, { ...params, issue_number: pullRequest, per_page: 100 })
    // An earlier version's comment for the same image set becomes this one; every comment is read, for the stale ones.
    const { found, seen } = await findMarked({
      pages: dataOf(pages),
      tests: [(comment) => comment.body?.startsWith(marker) === true, (comment) => comment.body?.startsWith(legacy) === true],
      stopEarly: false
    })
    const written = await writeMarked(found, {
      update: async (comment) => (await octokit.rest.issues.updateComment({ ...params, comment_id: comment.id, body })).data,
      create: async () => (await octokit.rest.issues.createComment({ ...params, issue_number: pullRequest, body, ...ONCE })).data
    })
    host.info(`${written.created ? 'Created' : 'Updated'} the pull-request comment ${written.url}`)
    // Earlier versions' comments for other image sets would stay, stale: they are folded away as outdated.
    for (const stale of seen.filter((comment) => comment.id !== found?.id && LEGACY_MARKER.test(comment.body ?? ''))) {
      await octokit.graphql('mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) { clientMutationId } }', {
        id: stale.node_id
      })
      host.info(`Minimized an outdated comment of an earlier version: ${stale.html_url}`)
    }
    return written.url
  } catch (error) {
    const why = client.problem(error, 'to this pull request', 'pull-requests: write')
    host.warning(`comment: not written to pull request #${pullRequest}: ${why}; the job summary has the same text`)
    return undefined
  }
}
