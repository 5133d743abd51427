/**
 * Fix pull requests on GitHub: one deterministic branch and pull request per base image, one commit made
 * through the Git Data API on the current default branch, moved only while the branch still holds the
 * commit this action wrote (GraphQL `updateRefs` with `beforeOid`: compare-and-swap). A commit by anyone
 * else freezes the pull request; one closed without merging declines its target; one whose move is no
 * longer recommended is closed and its branch deleted. Nothing here fails the step: each problem is a
 * warning, and the summary and the patch carry the same change.
 */
import { createHash } from 'node:crypto'
import type { Host } from '../host.js'
import type { FixPlan, FixResult } from '../types/fix.js'
import type { GithubContext } from '../types/settings.js'
import { githubClient, GITHUB_LIMITS, ONCE, repositoryParams, type GithubLimits } from './client.js'

const PREFIX = '<!-- scout-graph-action:fix v1 '
const STATE = /<!-- scout-graph-action:fix v1 ([A-Za-z0-9_-]{1,4000}) -->/
export const BRANCH_PREFIX = 'scout-graph/'

/** What a fix pull request's body remembers, in its hidden marker. */
export interface FixState {
  base: string
  target: string
  /** The commit this action last put on the branch. */
  commit: string
  /** Of the default-branch head and the files written: the same means nothing to write. */
  fingerprint: string
  /** The run that wrote the commit (its link stays until the next commit). */
  run?: string
  /** Set once the frozen or declined comment is posted, or when this action closed it (a close that declines nothing). */
  noted?: 'frozen' | 'declined' | 'closed'
}

export function encodeFixState(state: FixState): string {
  return `${PREFIX}${Buffer.from(JSON.stringify(state)).toString('base64url')} -->`
}

/** The state in a body; undefined when there is none, or it is not one this action wrote. */
export function readFixState(body: string | null | undefined): FixState | undefined {
  const match = STATE.exec(body ?? '')
  if (!match) return undefined
  try {
    const value = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8')) as Record<string, unknown>
    const text = (key: string) => typeof value[key] === 'string' && (value[key] as string).length <= 600
    if (!['base', 'target', 'commit', 'fingerprint'].every(text) || !/^[0-9a-f]{40,64}$/.test(value.commit as string)) return undefined
    return value as unknown as FixState
  } catch {
    return undefined
  }
}

/** `scout-graph/node-22-alpine-1a2b3c`: readable, and unique per base. */
export function fixBranch(base: string): string {
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80)
  return `${BRANCH_PREFIX}${slug}-${createHash('sha256').update(base).digest('hex').slice(0, 6)}`
}

/** What the fix pull requests' texts are made of, rendered by the fix product. */
export interface FixTexts {
  title(plan: FixPlan): string
  body(plan: FixPlan, runUrl: string | undefined): string
  frozen: string
  declined(plan: FixPlan): string
  closed(state: FixState): string
}

export interface FixTarget {
  token: string
  github: GithubContext
  repository: string
  labels: readonly string[]
  limit: number
  /** Bases that still have an allowed best move (planned, waiting or not proposed): their pull requests stay open. */
  recommended: ReadonlySet<string>
  /** Whether everything before succeeded: only then are pull requests of bases no longer recommended closed. */
  mayClose: boolean
  runUrl?: string
  runId?: string
}

interface ListedPull {
  number: number
  state: string
  merged_at?: string | null
  title: string
  body?: string | null
  html_url: string
  head: { ref: string; sha: string; repo: { full_name: string } | null }
}

const gitBlobSha = (text: string) => {
  const bytes = Buffer.from(text, 'utf8')
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

const NOT_PERMITTED = /not permitted to create or approve pull requests/i

export async function publishFixPrs(
  plans: readonly FixPlan[],
  target: FixTarget,
  texts: FixTexts,
  host: Host,
  limits: GithubLimits = GITHUB_LIMITS
): Promise<FixResult> {
  const result: FixResult = { opened: [], updated: [], unchanged: [], waiting: [], declined: [], frozen: [], closed: [], skipped: [] }
  const params = repositoryParams(target.repository)
  const client = await githubClient(target.token, target.github, host, limits)
  const { octokit } = client
  const ours = (pull: ListedPull) => pull.head.ref.startsWith(BRANCH_PREFIX) && pull.head.repo?.full_name === target.repository
  const warn = (base: string, what: string, error: unknown, permission = 'contents: write and pull-requests: write') => {
    const reason = client.problem(error, what, permission)
    result.skipped.push({ base, reason })
    host.warning(`fix-prs: ${base}: ${reason}`)
  }
  let repository: { default_branch: string; node_id: string }
  let head: string
  let headTree: string
  let tree: Map<string, { sha: string; mode: string }> | undefined
  let openPulls: ListedPull[]
  try {
    repository = (await octokit.rest.repos.get(params)).data
    head = (await octokit.rest.git.getRef({ ...params, ref: `heads/${repository.default_branch}` })).data.object.sha
    headTree = (await octokit.rest.git.getCommit({ ...params, commit_sha: head })).data.tree.sha
    const listing = (await octokit.rest.git.getTree({ ...params, tree_sha: headTree, recursive: 'true' })).data
    if (!listing.truncated)
      tree = new Map(
        listing.tree.flatMap((item) =>
          item.type === 'blob' && item.path && item.sha ? [[item.path, { sha: item.sha, mode: item.mode ?? '100644' }]] : []
        )
      )
    openPulls = ((await octokit.paginate(octokit.rest.pulls.list, { ...params, state: 'open', per_page: 100 })) as ListedPull[]).filter(
      (pull) => ours(pull) && readFixState(pull.body) !== undefined
    )
  } catch (error) {
    warn('(all bases)', 'the repository and its pull requests', error)
    return result
  }
  let open = openPulls.length
  let creating = true
  let labelsReady: Promise<void> | undefined
  /** The labels the pull requests carry, created once when missing (a label that cannot be made is a warning). */
  const ensureLabels = async () => {
    const existing = new Set(
      ((await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { ...params, per_page: 100 })) as { name: string }[]).map((label) =>
        label.name.toLowerCase()
      )
    )
    for (const name of target.labels.filter((label) => !existing.has(label.toLowerCase()))) {
      await octokit.rest.issues
        .createLabel({ ...params, name, color: 'ededed', ...ONCE })
        .catch((error: unknown) =>
          host.warning(
            `fix-prs: the label ${JSON.stringify(name)} could not be created: ${client.problem(error, 'labels here', 'issues: write')}`
          )
        )
    }
  }
  for (const plan of plans) {
    const branch = fixBranch(plan.base)
    try {
      const pulls = (
        (await octokit.rest.pulls.list({ ...params, head: `${params.owner}:${branch}`, state: 'all', per_page: 20 })).data as ListedPull[]
      )
        .filter(ours)
        .map((pull) => ({ pull, state: readFixState(pull.body) }))
        .filter((found): found is { pull: ListedPull; state: FixState } => found.state?.base === plan.base)
      const current = pulls.find(({ pull }) => pull.state === 'open')
      // A pull request this action closed (its move was no longer recommended) declines nothing.
      const closed = pulls.find(({ pull, state }) => pull.state === 'closed' && !pull.merged_at && state.noted !== 'closed')
      if (!current && closed && closed.state.target === plan.target) {
        result.declined.push(plan.base)
        if (closed.state.noted !== 'declined') {
          await octokit.rest.issues.createComment({ ...params, issue_number: closed.pull.number, body: texts.declined(plan), ...ONCE })
          await octokit.rest.pulls.update({
            ...params,
            pull_number: closed.pull.number,
            body: withState(closed.pull.body, { ...closed.state, noted: 'declined' })
          })
        }
        continue
      }
      if (current && current.pull.head.sha !== current.state.commit) {
        result.frozen.push(plan.base)
        if (current.state.noted !== 'frozen') {
          await octokit.rest.issues.createComment({ ...params, issue_number: current.pull.number, body: texts.frozen, ...ONCE })
          await octokit.rest.pulls.update({
            ...params,
            pull_number: current.pull.number,
            body: withState(current.pull.body, { ...current.state, noted: 'frozen' })
          })
        }
        continue
      }
      if (!current && (open >= target.limit || !creating)) {
        result.waiting.push(plan.base)
        continue
      }
      // The files must be on the default branch as this run read them: else the lines it moves may be others.
      const changed = await changedSince(plan, tree, async (path) => {
        const { data } = await octokit.rest.repos.getContent({ ...params, path, ref: head })
        return Array.isArray(data) || !('sha' in data) ? undefined : data.sha
      })
      if (changed) {
        const reason = `${changed} changed on ${repository.default_branch} since this run's checkout (or is gone); the next run proposes it`
        result.skipped.push({ base: plan.base, reason })
        host.info(`fix-prs: ${plan.base}: ${reason}`)
        continue
      }
      const fingerprint = createHash('sha256')
        .update(JSON.stringify([head, plan.target, plan.files.map((file) => [file.path, file.after])]))
        .digest('hex')
        .slice(0, 32)
      let commit = current?.state.commit
      let run = current?.state.run
      if (current?.state.fingerprint !== fingerprint) {
        const made = await octokit.rest.git.createTree({
          ...params,
          base_tree: headTree,
          tree: plan.files.map((file) => ({
            path: file.path,
            mode: (tree?.get(file.path)?.mode ?? '100644') as '100644',
            type: 'blob' as const,
            content: file.after
          }))
        })
        const oneLine = (text: string) => text.replace(/\p{Cc}+/gu, ' ')
        const message = `${texts.title(plan)}\n\nScout-Graph-Base: ${oneLine(plan.base)}\nScout-Graph-Target: ${oneLine(plan.target)}\n`
        const newCommit = (await octokit.rest.git.createCommit({ ...params, message, tree: made.data.sha, parents: [head] })).data.sha
        if (current) await moveBranch(octokit, repository.node_id, branch, current.state.commit, newCommit)
        else {
          // A branch left by an earlier pull request of this action (declined, then a new move) is moved;
          // one holding anyone else's commit is theirs.
          const left = await octokit.rest.git
            .getRef({ ...params, ref: `heads/${branch}` })
            .then(({ data }) => data.object.sha)
            .catch((error: unknown) => {
              if ((error as { status?: number }).status === 404) return undefined
              throw error
            })
          if (left === undefined) await octokit.rest.git.createRef({ ...params, ref: `refs/heads/${branch}`, sha: newCommit, ...ONCE })
          else if (pulls.some(({ state }) => state.commit === left)) await moveBranch(octokit, repository.node_id, branch, left, newCommit)
          else {
            result.skipped.push({
              base: plan.base,
              reason: `the branch ${branch} exists with commits this action did not make: left alone`
            })
            continue
          }
        }
        commit = newCommit
        run = target.runUrl
      }
      const state: FixState = { base: plan.base, target: plan.target, commit: commit as string, fingerprint, ...(run ? { run } : {}) }
      const title = texts.title(plan)
      const body = `${texts.body(plan, run)}\n\n${encodeFixState(state)}`
      if (current) {
        if (current.pull.title === title && current.pull.body === body) result.unchanged.push(plan.base)
        else {
          await octokit.rest.pulls.update({ ...params, pull_number: current.pull.number, title, body })
          result.updated.push(plan.base)
        }
        continue
      }
      try {
        const created = (
          await octokit.rest.pulls.create({ ...params, title, body, head: branch, base: repository.default_branch, ...ONCE })
        ).data
        open += 1
        result.opened.push(plan.base)
        host.info(`fix-prs: opened ${created.html_url} (${plan.base} → ${plan.target})`)
        if (target.labels.length > 0) {
          labelsReady ??= ensureLabels().catch((error: unknown) =>
            host.warning(`fix-prs: the labels could not be read: ${client.problem(error, 'labels here', 'issues: write')}`)
          )
          await labelsReady
          await octokit.rest.issues
            .addLabels({ ...params, issue_number: created.number, labels: [...target.labels] })
            .catch((error: unknown) =>
              host.warning(`fix-prs: ${created.html_url}: labels not added: ${client.problem(error, 'labels here', 'issues: write')}`)
            )
        }
      } catch (error) {
        // The branch is ours either way: it is deleted so that nothing is left without its pull request.
        await octokit.rest.git.deleteRef({ ...params, ref: `heads/${branch}` }).catch(() => undefined)
        if (NOT_PERMITTED.test(String((error as { message?: string }).message ?? ''))) {
          creating = false
          warn(plan.base, 'pull requests here', error)
          host.warning(
            'fix-prs: this repository does not let GitHub Actions create pull requests: allow it under Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests", or give fix-pr-token'
          )
        } else throw error
      }
    } catch (error) {
      warn(plan.base, 'the fix branch and pull request', error)
    }
  }
  if (target.mayClose) await closeStale(openPulls)
  return result

  async function closeStale(pulls: ListedPull[]): Promise<void> {
    for (const pull of pulls) {
      const state = readFixState(pull.body) as FixState
      if (target.recommended.has(state.base)) continue
      try {
        // Someone else's commits are theirs: the pull request stays open.
        if (pull.head.sha !== state.commit) continue
        await octokit.rest.issues.createComment({ ...params, issue_number: pull.number, body: texts.closed(state), ...ONCE })
        await octokit.rest.pulls.update({
          ...params,
          pull_number: pull.number,
          state: 'closed',
          body: withState(pull.body, { ...state, noted: 'closed' })
        })
        await octokit.rest.git.deleteRef({ ...params, ref: `heads/${pull.head.ref}` }).catch((error: unknown) => {
          if ((error as { status?: number }).status !== 422 && (error as { status?: number }).status !== 404) throw error
        })
        result.closed.push(state.base)
      } catch (error) {
        warn(state.base, 'closing its fix pull request', error)
      }
    }
  }
}

/** The body with its state block replaced. */
function withState(body: string | null | undefined, state: FixState): string {
  return (body ?? '').replace(STATE, encodeFixState(state))
}

/** The first file of the plan that is not on the default branch as this run read it, if any. */
async function changedSince(
  plan: FixPlan,
  tree: Map<string, { sha: string }> | undefined,
  blobOf: (path: string) => Promise<string | undefined>
): Promise<string | undefined> {
  for (const file of plan.files) {
    const sha = tree ? tree.get(file.path)?.sha : await blobOf(file.path).catch(() => undefined)
    if (sha !== gitBlobSha(file.before)) return file.path
  }
  return undefined
}

/** Moves the branch to `after` only if it still points at `before` (GraphQL's compare-and-swap). */
async function moveBranch(
  octokit: Awaited<ReturnType<typeof githubClient>>['octokit'],
  repositoryId: string,
  branch: string,
  before: string,
  after: string
): Promise<void> {
  await octokit.graphql(`mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`, {
    input: { repositoryId, refUpdates: [{ name: `refs/heads/${branch}`, beforeOid: before, afterOid: after, force: true }] }
  })
}
