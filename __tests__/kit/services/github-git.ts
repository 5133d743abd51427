/**
 * The stand-in's repository `o/r` as the Git Data, contents, pulls and labels endpoints show it: blobs,
 * trees (kept flat, path → blob), commits and refs with GitHub's answers (422 for a ref that exists or is
 * gone, GraphQL `updateRefs` refusing a stale `beforeOid`), pull requests listed newest first and by head,
 * their comments and labels, and the repository setting that forbids Actions to open pull requests.
 */
import { createHash } from 'node:crypto'

type GitObject =
  | { type: 'blob'; content: Buffer }
  | { type: 'tree'; files: Map<string, { sha: string; mode: string }> }
  | { type: 'commit'; tree: string; parents: string[]; message: string; author: string }

export interface StandInPull {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  merged: boolean
  branch: string
  /** The head commit, kept when the branch is deleted. */
  sha: string
  base: string
  labels: string[]
  comments: string[]
  /** The pull request's diff, as `GET …/pulls/{n}/files` lists it. */
  files: { filename: string; patch?: string }[]
  reviews: { commit_id: string; body: string; comments: { path: string; line: number; side: string; body: string }[] }[]
}

export interface GitRepo {
  objects: Map<string, GitObject>
  refs: Map<string, string>
  pulls: StandInPull[]
  labels: Set<string>
  /** "Allow GitHub Actions to create and approve pull requests" turned off. */
  forbidPullRequests: boolean
  /** Makes a commit of `files` on `branch` (a person's push, or the default branch moving on). */
  push(branch: string, files: Record<string, string>, author?: string): string
  /** Merges a pull request: the default branch takes its head. */
  merge(number: number): void
  fileAt(ref: string, path: string): string | undefined
}

const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex')

export function gitRepo(files: Record<string, string>): GitRepo {
  const objects = new Map<string, GitObject>()
  const blob = (content: string) => {
    const bytes = Buffer.from(content, 'utf8')
    const sha = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
    objects.set(sha, { type: 'blob', content: bytes })
    return sha
  }
  const tree = (entries: Map<string, { sha: string; mode: string }>) => {
    const sha = sha1(`tree ${JSON.stringify([...entries].sort())}`)
    objects.set(sha, { type: 'tree', files: entries })
    return sha
  }
  const commit = (treeSha: string, parents: string[], message: string, author: string) => {
    const sha = sha1(`commit ${treeSha} ${parents.join(',')} ${message} ${author} ${objects.size}`)
    objects.set(sha, { type: 'commit', tree: treeSha, parents, message, author })
    return sha
  }
  const filesOf = (commitSha: string) => {
    const found = objects.get(commitSha)
    const treeObject = found?.type === 'commit' ? objects.get(found.tree) : undefined
    return treeObject?.type === 'tree' ? treeObject.files : new Map<string, { sha: string; mode: string }>()
  }
  const withFiles = (base: Map<string, { sha: string; mode: string }>, changes: Record<string, string>) => {
    const next = new Map(base)
    for (const [path, content] of Object.entries(changes)) next.set(path, { sha: blob(content), mode: '100644' })
    return next
  }
  const refs = new Map<string, string>()
  refs.set('heads/main', commit(tree(withFiles(new Map(), files)), [], 'start', 'someone'))
  const repo: GitRepo = {
    objects,
    refs,
    pulls: [],
    labels: new Set(['bug']),
    forbidPullRequests: false,
    push(branch, changes, author = 'someone') {
      const parent = refs.get(`heads/${branch}`) as string
      const sha = commit(tree(withFiles(filesOf(parent), changes)), [parent], 'a push', author)
      refs.set(`heads/${branch}`, sha)
      return sha
    },
    merge(number) {
      const pull = repo.pulls.find((candidate) => candidate.number === number) as StandInPull
      refs.set('heads/main', pull.sha)
      Object.assign(pull, { state: 'closed', merged: true })
    },
    fileAt(ref, path) {
      const entry = filesOf(refs.get(`heads/${ref}`) ?? '').get(path)
      const found = entry ? objects.get(entry.sha) : undefined
      return found?.type === 'blob' ? found.content.toString('utf8') : undefined
    }
  }
  Object.assign(repo, { blob, tree, commit, filesOf })
  return repo
}

type Send = (status: number, data: unknown, headers?: Record<string, string>) => void

/** Answers a Git, contents, pulls or labels call on `o/r`; false when the call is none of those. */
export function answerGit(repo: GitRepo, method: string, url: URL, body: unknown, send: Send, apiUrl: string): boolean {
  const internals = repo as unknown as {
    tree(files: Map<string, { sha: string; mode: string }>): string
    commit(tree: string, parents: string[], message: string, author: string): string
    blob(content: string): string
    filesOf(sha: string): Map<string, { sha: string; mode: string }>
  }
  const path = url.pathname
  const input = (body ?? {}) as Record<string, unknown>
  const pullJson = (pull: StandInPull) => ({
    number: pull.number,
    title: pull.title,
    body: pull.body,
    state: pull.state,
    merged_at: pull.merged ? '2026-12-01T00:00:00Z' : null,
    html_url: `https://github.com/o/r/pull/${pull.number}`,
    head: { ref: pull.branch, sha: repo.refs.get(`heads/${pull.branch}`) ?? pull.sha, repo: { full_name: 'o/r' } },
    base: { ref: pull.base }
  })
  if (method === 'GET' && path === '/repos/o/r')
    return (send(200, { full_name: 'o/r', default_branch: 'main', node_id: 'R_kgDOstandin' }), true)
  let match = /^\/repos\/o\/r\/git\/ref\/(.+)$/.exec(path)
  if (method === 'GET' && match) {
    const sha = repo.refs.get(decodeURIComponent(match[1]))
    return (send(sha ? 200 : 404, sha ? { ref: `refs/${match[1]}`, object: { sha, type: 'commit' } } : { message: 'Not Found' }), true)
  }
  match = /^\/repos\/o\/r\/git\/commits\/([0-9a-f]+)$/.exec(path)
  if (method === 'GET' && match) {
    const found = repo.objects.get(match[1])
    if (found?.type !== 'commit') return (send(404, { message: 'Not Found' }), true)
    return (
      send(200, { sha: match[1], tree: { sha: found.tree }, parents: found.parents.map((sha) => ({ sha })), message: found.message }),
      true
    )
  }
  match = /^\/repos\/o\/r\/git\/trees\/([0-9a-f]+)$/.exec(path)
  if (method === 'GET' && match) {
    const found = repo.objects.get(match[1])
    if (found?.type !== 'tree') return (send(404, { message: 'Not Found' }), true)
    const tree = [...found.files].map(([file, { sha, mode }]) => ({ path: file, mode, type: 'blob', sha }))
    return (send(200, { sha: match[1], tree, truncated: false }), true)
  }
  if (method === 'POST' && path === '/repos/o/r/git/trees') {
    const base = repo.objects.get(String(input.base_tree))
    if (base?.type !== 'tree') return (send(422, { message: 'Invalid tree info' }), true)
    const files = new Map(base.files)
    for (const entry of input.tree as { path: string; mode: string; content: string }[])
      files.set(entry.path, { sha: internals.blob(entry.content), mode: entry.mode })
    return (send(201, { sha: internals.tree(files) }), true)
  }
  if (method === 'POST' && path === '/repos/o/r/git/commits') {
    const sha = internals.commit(String(input.tree), input.parents as string[], String(input.message), 'github-actions[bot]')
    return (send(201, { sha }), true)
  }
  if (method === 'POST' && path === '/repos/o/r/git/refs') {
    const ref = String(input.ref).replace(/^refs\//, '')
    if (repo.refs.has(ref)) return (send(422, { message: 'Reference already exists' }), true)
    repo.refs.set(ref, String(input.sha))
    return (send(201, { ref: `refs/${ref}`, object: { sha: input.sha } }), true)
  }
  match = /^\/repos\/o\/r\/git\/refs\/(.+)$/.exec(path)
  if (method === 'DELETE' && match) {
    const ref = decodeURIComponent(match[1])
    if (!repo.refs.delete(ref)) return (send(422, { message: 'Reference does not exist' }), true)
    // GitHub closes the open pull request of a deleted head branch.
    for (const pull of repo.pulls) if (`heads/${pull.branch}` === ref && pull.state === 'open') pull.state = 'closed'
    return (send(204, {}), true)
  }
  match = /^\/repos\/o\/r\/contents\/(.+)$/.exec(path)
  if (method === 'GET' && match) {
    const commitSha = url.searchParams.get('ref') ?? repo.refs.get('heads/main') ?? ''
    const entry = internals.filesOf(commitSha).get(decodeURIComponent(match[1]))
    const found = entry ? repo.objects.get(entry.sha) : undefined
    if (!entry || found?.type !== 'blob') return (send(404, { message: 'Not Found' }), true)
    return (
      send(200, { type: 'file', path: match[1], sha: entry.sha, encoding: 'base64', content: found.content.toString('base64') }),
      true
    )
  }
  if (method === 'GET' && path === '/repos/o/r/pulls') {
    const state = url.searchParams.get('state') ?? 'open'
    const head = url.searchParams.get('head')
    const listed = [...repo.pulls]
      .reverse()
      .filter((pull) => (state === 'all' || pull.state === state) && (head === null || head === `o:${pull.branch}`))
    const page = Number(url.searchParams.get('page') ?? '1')
    const size = Number(url.searchParams.get('per_page') ?? '30')
    const query = new URLSearchParams(url.searchParams)
    query.set('page', String(page + 1))
    const link: Record<string, string> = page * size < listed.length ? { link: `<${apiUrl}/repos/o/r/pulls?${query}>; rel="next"` } : {}
    return (send(200, listed.slice((page - 1) * size, page * size).map(pullJson), link), true)
  }
  if (method === 'POST' && path === '/repos/o/r/pulls') {
    if (repo.forbidPullRequests)
      return (send(403, { message: 'GitHub Actions is not permitted to create or approve pull requests.' }), true)
    const branch = String(input.head)
    const sha = repo.refs.get(`heads/${branch}`)
    if (!sha) return (send(422, { message: 'Validation Failed', errors: [{ field: 'head', code: 'invalid' }] }), true)
    if (repo.pulls.some((pull) => pull.branch === branch && pull.state === 'open'))
      return (send(422, { message: 'A pull request already exists for o:' + branch }), true)
    const pull: StandInPull = {
      number: 500 + repo.pulls.length,
      title: String(input.title),
      body: String(input.body ?? ''),
      state: 'open',
      merged: false,
      branch,
      sha,
      base: String(input.base),
      labels: [],
      comments: [],
      files: [],
      reviews: []
    }
    repo.pulls.push(pull)
    return (send(201, pullJson(pull)), true)
  }
  match = /^\/repos\/o\/r\/pulls\/(\d+)(\/files|\/reviews)?$/.exec(path)
  const reviewed = match ? repo.pulls.find((candidate) => candidate.number === Number(match?.[1])) : undefined
  if (method === 'GET' && match && reviewed) {
    if (match[2] === '/files') return (send(200, reviewed.files), true)
    if (match[2] === '/reviews')
      return (
        send(
          200,
          reviewed.reviews.map((review, id) => ({ id, ...review }))
        ),
        true
      )
    return (send(200, pullJson(reviewed)), true)
  }
  if (method === 'POST' && match?.[2] === '/reviews' && reviewed) {
    const review = input as StandInPull['reviews'][number]
    // GitHub refuses the whole review when one comment is outside the diff.
    for (const comment of review.comments) {
      const file = reviewed.files.find((candidate) => candidate.filename === comment.path)
      if (!file?.patch || comment.side !== 'RIGHT' || !rightLines(file.patch).has(comment.line))
        return (send(422, { message: 'Unprocessable Entity', errors: ['Pull request review thread line must be part of the diff'] }), true)
    }
    reviewed.reviews.push(review)
    return (send(200, { id: reviewed.reviews.length }), true)
  }
  if (method === 'PATCH' && match && !match[2]) {
    const pull = repo.pulls.find((candidate) => candidate.number === Number(match?.[1]))
    if (!pull) return (send(404, { message: 'Not Found' }), true)
    if (typeof input.title === 'string') pull.title = input.title
    if (typeof input.body === 'string') pull.body = input.body
    if (input.state === 'closed' || input.state === 'open') pull.state = input.state
    return (send(200, pullJson(pull)), true)
  }
  match = /^\/repos\/o\/r\/issues\/(\d+)\/(comments|labels)$/.exec(path)
  const pull = match ? repo.pulls.find((candidate) => candidate.number === Number(match?.[1])) : undefined
  if (method === 'POST' && match && pull) {
    if (match[2] === 'comments') pull.comments.push(String(input.body))
    else pull.labels.push(...(input.labels as string[]).filter((label) => repo.labels.has(label)))
    return (
      send(201, match[2] === 'comments' ? { id: pull.comments.length, body: input.body } : pull.labels.map((name) => ({ name }))),
      true
    )
  }
  if (method === 'GET' && path === '/repos/o/r/labels')
    return (
      send(
        200,
        [...repo.labels].map((name) => ({ name }))
      ),
      true
    )
  if (method === 'POST' && path === '/repos/o/r/labels') {
    if (repo.labels.has(String(input.name)))
      return (send(422, { message: 'Validation Failed', errors: [{ code: 'already_exists' }] }), true)
    repo.labels.add(String(input.name))
    return (send(201, { name: input.name }), true)
  }
  return false
}

/** The right-side line numbers of a patch's hunks (added and context lines), as GitHub anchors review comments. */
function rightLines(patch: string): Set<number> {
  const lines = new Set<number>()
  let line = 0
  for (const row of patch.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(row)
    if (hunk) line = Number(hunk[1])
    else if (line > 0 && /^[+ ]/.test(row)) lines.add(line++)
  }
  return lines
}

/** GraphQL `updateRefs`: each ref moves only from its `beforeOid`, as GitHub's compare-and-swap. */
export function answerUpdateRefs(
  repo: GitRepo,
  variables: { input: { refUpdates: { name: string; beforeOid: string; afterOid: string }[] } }
) {
  for (const update of variables.input.refUpdates) {
    const ref = update.name.replace(/^refs\//, '')
    if (repo.refs.get(ref) !== update.beforeOid)
      return {
        data: { updateRefs: null },
        errors: [{ type: 'STALE_DATA', message: `Expected ${update.name} to point to ${update.beforeOid}` }]
      }
  }
  for (const update of variables.input.refUpdates) repo.refs.set(update.name.replace(/^refs\//, ''), update.afterOid)
  return { data: { updateRefs: { clientMutationId: null } } }
}
