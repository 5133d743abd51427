/**
 * One sticky pull-request comment per workflow, job and matrix leg: found again by a hidden marker and
 * updated in place, so matrix legs never overwrite one another, a new push never adds a second comment,
 * and a pull request whose image list changes keeps its one comment. It never fails the step: without
 * permission (a fork's pull request) it is a warning, and the job summary carries the same text.
 */
import { createHash } from 'node:crypto'
import type { Host } from '../host.js'
import { refusal, restClient } from './github.js'
import type { CommentMode, GithubContext } from '../types/settings.js'

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

export function runUrl(github: GithubContext): string | undefined {
  return github.repository && github.runId ? `${github.serverUrl}/${github.repository}/actions/runs/${github.runId}` : undefined
}

export interface CommentTarget {
  mode: CommentMode
  token?: string
  github: GithubContext
  /** What tells this job's comment apart from its matrix siblings': the shard, or the job's matrix values. */
  leg: string
}

/** Creates or updates the comment; returns its URL, or undefined when there is none to write. */
export async function publishComment(
  target: CommentTarget,
  images: readonly string[],
  markdown: string,
  host: Host
): Promise<string | undefined> {
  const { github } = target
  if (target.mode === 'never') return undefined
  if (github.pullRequest === undefined || !github.repository) {
    if (target.mode === 'always') host.warning('comment: always, but this run belongs to no pull request: nothing to comment on')
    return undefined
  }
  if (!target.token) {
    host.warning('comment: no github-token, so no pull-request comment; the job summary has the same text')
    return undefined
  }
  const [owner, repo] = github.repository.split('/')
  const marker = commentMarker(github, target.leg)
  const legacy = legacyCommentMarker(github, images)
  const body = `${marker}\n${markdown}`
  const octokit = await restClient(target.token, github)
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: github.pullRequest,
      per_page: 100
    })
    // An earlier version's comment for the same image set becomes this one.
    const existing =
      comments.find((comment) => comment.body?.startsWith(marker)) ?? comments.find((comment) => comment.body?.startsWith(legacy))
    const written = existing
      ? await octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body })
      : await octokit.rest.issues.createComment({ owner, repo, issue_number: github.pullRequest, body })
    host.info(`${existing ? 'Updated' : 'Created'} the pull-request comment ${written.data.html_url}`)
    // Earlier versions' comments for other image sets would stay, stale: they are folded away as outdated.
    for (const stale of comments.filter((comment) => comment.id !== existing?.id && LEGACY_MARKER.test(comment.body ?? ''))) {
      await octokit.graphql('mutation($id: ID!) { minimizeComment(input: {subjectId: $id, classifier: OUTDATED}) { clientMutationId } }', {
        id: stale.node_id
      })
      host.info(`Minimized an outdated comment of an earlier version: ${stale.html_url}`)
    }
    return written.data.html_url
  } catch (error) {
    const why = refusal(error, 'to this pull request', 'pull-requests: write')
    host.warning(`comment: not written to pull request #${github.pullRequest}: ${why}; the job summary has the same text`)
    return undefined
  }
}
