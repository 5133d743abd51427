/**
 * A SARIF log checked as code scanning would take it: against the SARIF 2.1.0 JSON schema (as shipped
 * by @microsoft/jest-sarif), then against the rules GitHub adds for uploads.
 */
import { createRequire } from 'node:module'
import type { ErrorObject } from 'ajv'
import type { Log } from 'sarif'

const require = createRequire(import.meta.url)
const schema = require('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json') as object
// A CommonJS module whose class is its `default` export.
const { default: Ajv } = require('ajv-draft-04') as {
  default: new (options: object) => { compile(schema: object): { (data: unknown): boolean; errors?: ErrorObject[] | null } }
}
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema)

/** Every problem found, schema first; empty when the log would upload. */
export function sarifProblems(log: Log): string[] {
  const problems = validate(log) ? [] : (validate.errors ?? []).map((error) => `schema: ${error.instancePath} ${error.message}`)
  if (JSON.stringify(log).length > 10_000_000) problems.push('github: over 10 MB')
  for (const run of log.runs) {
    if (run.automationDetails?.id !== undefined) problems.push('github: automationDetails.id overrides the upload category')
    const rules = run.tool.driver.rules ?? []
    for (const rule of rules) {
      const properties = rule.properties ?? {}
      if (!(properties.tags ?? []).includes('security')) problems.push(`github: rule ${rule.id} lacks the security tag`)
      const severity = Number(properties['security-severity'])
      if (!(severity >= 0 && severity <= 10)) problems.push(`github: rule ${rule.id} has no security-severity from 0 to 10`)
    }
    for (const [i, result] of (run.results ?? []).entries()) {
      if (!rules.some((rule) => rule.id === result.ruleId)) problems.push(`github: result ${i} names no rule of the run`)
      if (!result.partialFingerprints?.primaryLocationLineHash) problems.push(`github: result ${i} has no primaryLocationLineHash`)
      const location = result.locations?.[0]?.physicalLocation
      const uri = location?.artifactLocation?.uri ?? ''
      if (uri === '' || uri.startsWith('/') || uri.includes('\\') || /^[a-z]+:/i.test(uri))
        problems.push(`github: result ${i} uri ${uri} is not repository-relative`)
      if (!(Number(location?.region?.startLine) >= 1)) problems.push(`github: result ${i} has no startLine`)
    }
    if ((run.results ?? []).length > 25_000) problems.push('github: over 25,000 results')
  }
  return problems
}
