/**
 * The one bundle of both front ends: the runner runs it as the action; `bin/scout-graph.js` marks the
 * process as the command line before it loads it.
 */
import { run } from './action.js'
import { runCli } from './cli.js'

const CLI = Symbol.for('scout-graph.cli')

if ((globalThis as Record<symbol, unknown>)[CLI] === true) process.exitCode = await runCli(process.argv.slice(2))
else await run()
