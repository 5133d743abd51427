/** This release: written as `_module_version` on the graph, printed by `--version`. A test keeps it equal to package.json; scripts/release.mjs checks both. */
export const VERSION = '0.1.0'
