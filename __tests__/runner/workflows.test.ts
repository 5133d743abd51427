/** The workflows: actionlint on all of them (the README's quick start included), and the self-test job of CI under act, as GitHub would run it. */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { finished, projectWorkflows, ROOT } from '../kit/helpers.js'
import { runWorkflow } from '../kit/services/act.js'

describe('every workflow, the project’s and the examples', () => {
  it('passes actionlint', async () => {
    const actionlint = path.join(ROOT, '.cache', 'bin', 'actionlint')
    expect(existsSync(actionlint), 'scripts/provision.sh builds actionlint').toBe(true)
    // The README's workflows are linted as a user would paste them into a file.
    const pasted = await mkdtemp(path.join(os.tmpdir(), 'sg-readme-workflows-'))
    const files: string[] = []
    for (const workflow of await projectWorkflows()) {
      const file = workflow.file ?? path.join(pasted, `${workflow.name.replace(/\W+/g, '-')}.yml`)
      if (workflow.file === undefined) await writeFile(file, workflow.text)
      files.push(file)
    }
    expect(files.length).toBeGreaterThanOrEqual(6)
    const result = await finished(actionlint, ['-no-color', ...files], { PATH: process.env.PATH, HOME: process.env.HOME })
    expect(result.stdout).toBe('')
    expect(result.code).toBe(0)
  })
})

describe("the project's CI", () => {
  it('self-test: runs the action on the example reports and checks its outputs in a later step', async () => {
    const reports = path.join(ROOT, 'examples', 'reports')
    const files: Record<string, Buffer> = {}
    for (const name of await readdir(reports)) files[`examples/reports/${name}`] = await readFile(path.join(reports, name))
    files['examples/Dockerfile'] = await readFile(path.join(ROOT, 'examples', 'Dockerfile'))
    const run = await runWorkflow({
      workflow: await readFile(path.join(ROOT, '.github', 'workflows', 'ci.yml'), 'utf8'),
      job: 'self-test',
      files
    })
    expect(run.code, run.log).toBe(0)
    expect(run.log).toContain('self-test bases: alpine:3 node:22 node:25-alpine')
    // The base of app.txt lands on examples/Dockerfile's FROM (node:${NODE_VERSION}-alpine, ARG default 25).
    expect(run.log).toContain('self-test alerts: examples/Dockerfile:4')
    expect(run.log).toContain('Job succeeded')
  })
})
