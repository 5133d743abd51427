#!/usr/bin/env node
// The command line runs the action's own bundle, marked as the CLI.
globalThis[Symbol.for('scout-graph.cli')] = true
await import('../dist/index.js')
