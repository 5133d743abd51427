/** This release; written as `_module_version` on the graph. A test keeps it equal to package.json. */
export const VERSION = '0.1.0'
