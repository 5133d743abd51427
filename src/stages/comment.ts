/** Comment stage: the sticky pull-request comment, and every rule of when there is one. */
import { COMMENT_MARKDOWN_LIMIT, publishComment } from '../github/comment.js'
import { renderSummary } from '../summary/summary.js'
import type { RecommendationEntry } from '../types/entry.js'
import type { Run } from './run.js'
import type { RunView } from './summary.js'

export async function commentStage({ settings, host }: Run, entries: readonly RecommendationEntry[], view: RunView): Promise<void> {
  const { github, comment } = settings
  if (comment === 'never' || (comment === 'auto' && github.pullRequest === undefined)) return
  if (github.pullRequest === undefined || !github.repository) {
    host.warning('comment: always, but this run belongs to no pull request: nothing to comment on')
    return
  }
  if (!settings.githubToken) {
    host.warning('comment: no github-token, so no pull-request comment; the job summary has the same text')
    return
  }
  const target = {
    token: settings.githubToken,
    github,
    repository: github.repository,
    pullRequest: github.pullRequest,
    leg: settings.shard ? `shard ${settings.shard.index}/${settings.shard.count}` : settings.commentKey
  }
  // Rendered again at the comment's size, so what gives way is chosen by the renderer, never cut.
  const markdown = renderSummary(entries, { ...view, limit: COMMENT_MARKDOWN_LIMIT, medium: 'comment' })
  const images = entries.map((entry) => entry.image)
  await host.group('Pull-request comment', () => publishComment(target, images, markdown, host))
}
