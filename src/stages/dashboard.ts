/** Dashboard stage: the dashboard issue of scheduled rescans, and every rule of when it is written. */
import { dashboardMarker, renderDashboard } from '../dashboard/render.js'
import { publishDashboard } from '../github/dashboard-issue.js'
import type { RecommendationEntry } from '../types/entry.js'
import type { Run } from './run.js'
import type { RunView } from './summary.js'

export async function dashboardStage({ settings, host }: Run, entries: readonly RecommendationEntry[], view: RunView): Promise<void> {
  const { github, dashboard } = settings
  if (!dashboard) return
  if (settings.shard)
    return host.warning('dashboard: a shard sees only its slice of the images; the last job (`legs`) writes the dashboard')
  // A pull request's images are not the branch's: its run must not rewrite what the schedule keeps.
  if (github.fromFork)
    return host.warning("dashboard: not written: a fork's pull request gets a read-only token; the scheduled rescans keep it")
  if (github.pullRequest !== undefined) return host.notice('dashboard: not written from a pull-request run; the scheduled rescans keep it')
  if (!github.repository) return host.warning('dashboard: this run belongs to no repository (off GitHub): no dashboard issue')
  if (!settings.githubToken) return host.warning('dashboard: no github-token, so no dashboard issue; the job summary has the same tables')
  const marker = dashboardMarker(github.repository, dashboard.title)
  const target = { title: dashboard.title, marker, token: settings.githubToken, github, repository: github.repository }
  const context = { marker, at: new Date(), ...view, ...(github.runId ? { run: github.runId } : {}) }
  await host.group('Dashboard issue', () => publishDashboard(target, (previous) => renderDashboard(entries, previous, context), host))
}
