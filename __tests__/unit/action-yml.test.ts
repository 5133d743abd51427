import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { INPUTS } from '../../src/inputs.js'
import { ROOT } from '../kit/helpers.js'

interface ActionYml {
  name: string
  description: string
  inputs: Record<string, { description?: string; default?: string; required?: boolean }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
  branding: { icon: string; color: string }
}
const action = parse(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as ActionYml
const CONTRACT_OUTPUTS = [
  'recommendations',
  'graph-file',
  'report-dir',
  'scanned-count',
  'failed-count',
  'outdated-count',
  'failed-images',
  'artifact-id'
]

describe('action.yml', () => {
  it('runs dist/index.js on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(action.branding.icon).not.toBe('')
  })

  it('has the metadata the Marketplace accepts: a name, a description of at most 125 characters, branding', () => {
    expect(action.name.length).toBeGreaterThan(0)
    expect(action.description.length).toBeLessThanOrEqual(125)
    expect(action.branding).toEqual({ icon: expect.any(String), color: expect.any(String) })
  })

  it('declares exactly the inputs the code reads, with the same defaults and a description each', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(INPUTS.map((spec) => spec.name).sort())
    for (const spec of INPUTS) {
      const declared = action.inputs[spec.name]
      expect(declared.description, spec.name).toBeTruthy()
      expect(declared.default === undefined ? undefined : String(declared.default), spec.name).toBe(spec.default)
      if (spec.kind === 'boolean') expect(declared.default, `${spec.name} needs a default`).toBeDefined()
    }
  })

  it('declares every output of the contract', () => {
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(CONTRACT_OUTPUTS))
  })
})
