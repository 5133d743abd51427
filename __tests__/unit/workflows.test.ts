/** The project's workflows, the examples and the README's quick start are hardened as GitHub's guidance asks. */
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { projectWorkflows } from '../kit/helpers.js'

interface Workflow {
  on: unknown
  permissions?: unknown
  jobs: Record<string, { permissions?: unknown; steps?: { uses?: string; run?: string; with?: Record<string, string> }[] }>
}

async function workflows(): Promise<[string, string][]> {
  return (await projectWorkflows()).map(({ name, text }) => [name, text])
}

describe('workflows', () => {
  it('pin every third-party action to a full commit SHA, with its version in a comment', async () => {
    const all = await workflows()
    expect(all.map(([name]) => name)).toContain('README.md workflow 1')
    let pinned = 0
    for (const [file, text] of all) {
      for (const [, uses, comment] of text.matchAll(/uses:\s*(\S+)(.*)$/gm)) {
        // Local actions, and this action itself in the examples (users pick their own ref).
        if (uses.startsWith('./') || uses.startsWith('org/scout-graph-action@')) continue
        expect(uses, file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
        expect(comment, `${file}: ${uses}`).toMatch(/# v\d+\.\d+\.\d+/)
        pinned++
      }
    }
    expect(pinned).toBeGreaterThan(5)
  })

  it('set least-privilege permissions, never run pull_request_target, and keep expressions out of run scripts', async () => {
    for (const [file, text] of await workflows()) {
      const workflow = parse(text) as Workflow
      expect(workflow.permissions ?? Object.values(workflow.jobs).every((job) => job.permissions), file).toBeTruthy()
      expect(JSON.stringify(workflow.on), file).not.toContain('pull_request_target')
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          // Values reach scripts through env:, never spliced into the shell text.
          if (step.run) expect(step.run, file).not.toMatch(/\$\{\{/)
        }
      }
    }
  })

  it('give upload-sarif its permission and a category per matrix leg, so legs do not replace one another', async () => {
    let uploads = 0
    for (const [file, text] of await workflows()) {
      const workflow = parse(text) as Workflow
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (!step.uses?.startsWith('github/codeql-action/upload-sarif@')) continue
          uploads++
          expect(JSON.stringify(job.permissions ?? workflow.permissions), file).toContain('"security-events":"write"')
          expect(step.with?.category, file).toMatch(/\$\{\{ matrix\./)
          expect(step.with?.sarif_file, file).toBe('${{ steps.scout.outputs.sarif-file }}')
        }
      }
    }
    expect(uploads).toBeGreaterThan(0)
  })
})
