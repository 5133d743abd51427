/**
 * Fix pull requests end to end: the committed action under act (host mode, Node 24) on push runs, against
 * the GitHub API stand-in's repository. A run opens one pull request; the same reports again write
 * nothing; a new best move updates it; a move no longer allowed closes it; a commit by someone else
 * freezes the next one.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixBranch, readFixState } from '../../src/github/fix-prs.js'
import { WILD } from '../kit/helpers.js'
import { runWorkflow } from '../kit/services/act.js'
import { startGithubApi, type GithubApiStandIn } from '../kit/services/github-api.js'
import { gitRepo } from '../kit/services/github-git.js'

const DOCKERFILE = 'FROM python:3.11-alpine AS app\nCMD ["python"]\n'
const REPORT = 'tiamaria-python311-alpine-v1.17-windows-after.txt'
const POLICY = "ignore:\n  - tags: ['3.13*']\n    reason: the ORM is not ready for 3.13\n    until: 2099-01-01\n"

describe('fix pull requests under act', () => {
  let api: GithubApiStandIn
  beforeAll(async () => {
    api = await startGithubApi()
    api.git = gitRepo({ Dockerfile: DOCKERFILE })
  })
  afterAll(() => api.close())

  const scheduled = async (inputs: string) =>
    runWorkflow({
      files: {
        Dockerfile: DOCKERFILE,
        [`reports/${REPORT}`]: await readFile(path.join(WILD, REPORT)),
        '.github/scout-graph-later.yml': POLICY
      },
      githubApiUrl: api.url,
      workflow: `
on: push
jobs:
  rescan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: sg
        uses: ./
        with:
          reports: reports/*.txt
          fail-on: none
          upload-artifact: false
          fix-prs: true
${inputs}
      - run: if test -s "\${{ steps.sg.outputs.fix-patch }}"; then echo patch-ok; else echo no-patch; fi
`
    })
  const branch = fixBranch('python:3.11-alpine')
  const writes = () => api.calls.filter((call) => call.method !== 'GET')

  it('opens, keeps, updates, closes, and stays off a branch someone else committed to', async () => {
    const opened = await scheduled('')
    expect(opened.code, opened.log).toBe(0)
    expect(opened.log).toContain('patch-ok')
    expect(api.git.pulls.map((pull) => [pull.title, pull.state])).toEqual([['Move python:3.11-alpine to python:3.13-alpine', 'open']])
    expect(api.git.fileAt(branch, 'Dockerfile')).toBe('FROM python:3.13-alpine AS app\nCMD ["python"]\n')
    expect(readFixState(api.git.pulls[0].body)?.run).toMatch(/\/o\/r\/actions\/runs\/\d+$/)

    api.calls.length = 0
    const again = await scheduled('')
    expect(again.code, again.log).toBe(0)
    expect(writes()).toEqual([])

    const updated = await scheduled('          policy-file: .github/scout-graph-later.yml')
    expect(updated.code, updated.log).toBe(0)
    expect(api.git.pulls).toHaveLength(1)
    expect(api.git.pulls[0].title).toBe('Move python:3.11-alpine to python:3.12-alpine')
    expect(api.git.fileAt(branch, 'Dockerfile')).toBe('FROM python:3.12-alpine AS app\nCMD ["python"]\n')

    const closed = await scheduled('          moves: refresh')
    expect(closed.code, closed.log).toBe(0)
    expect(closed.log).toContain('no-patch')
    expect(api.git.pulls[0].state).toBe('closed')
    expect(api.git.refs.has(`heads/${branch}`)).toBe(false)

    const reopened = await scheduled('')
    expect(reopened.code, reopened.log).toBe(0)
    expect(api.git.pulls.map((pull) => pull.state)).toEqual(['closed', 'open'])
    const theirs = api.git.push(branch, { Dockerfile: 'FROM python:3.13-alpine AS app\nCMD ["python", "-O"]\n' })
    const frozen = await scheduled('          policy-file: .github/scout-graph-later.yml')
    expect(frozen.code, frozen.log).toBe(0)
    expect(api.git.refs.get(`heads/${branch}`)).toBe(theirs)
    expect(api.git.pulls[1].comments).toEqual([expect.stringContaining('no longer updates this pull request')])
  })
})
