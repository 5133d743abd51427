/** Every test gets back the environment it started with: a test's changes to process.env never leak into the next. */
import { afterEach, beforeEach } from 'vitest'
import { loadConsoleCodePages } from '../../src/report/decode.js'

let saved: NodeJS.ProcessEnv = {}
beforeEach(() => {
  saved = { ...process.env }
})
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
  Object.assign(process.env, saved)
})

// The code-page tables load on demand in the product (parseReportFile); tests parse captures synchronously,
// some while their file is collected.
await loadConsoleCodePages()
