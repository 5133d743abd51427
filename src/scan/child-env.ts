/**
 * The one place that builds a child process's environment. A child gets what any program needs to
 * run here (paths, locale, proxies, CA certificates), what the Docker CLI and Docker Scout read, and the
 * variables given for it alone; never the runner's `INPUT_*`, `ACTIONS_*` tokens, `GITHUB_TOKEN`, or
 * another sink's credentials (`NEO4J_*`, `AWS_*`), nor look-alikes such as `DOCKER_PASSWORD`.
 */

const PASSED = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TMPDIR',
  'TMP',
  'TEMP',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_RUNTIME_DIR',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  // Windows runners.
  'SystemRoot',
  'SYSTEMROOT',
  'ComSpec',
  'PATHEXT',
  'windir',
  'USERPROFILE',
  'APPDATA',
  'LOCALAPPDATA',
  'ProgramData',
  'ProgramFiles',
  // What the Docker CLI reads to find its engine, config and plugins.
  'DOCKER_HOST',
  'DOCKER_CONFIG',
  'DOCKER_CONTEXT',
  'DOCKER_CERT_PATH',
  'DOCKER_TLS',
  'DOCKER_TLS_VERIFY',
  'DOCKER_API_VERSION',
  'DOCKER_DEFAULT_PLATFORM'
])
/** Locale settings, the Docker CLI's own switches, and Docker Scout's own variables (its credentials among them). */
const PASSED_PREFIXES = ['LC_', 'DOCKER_CLI_', 'DOCKER_SCOUT_']

export function childEnvironment(parent: NodeJS.ProcessEnv, own: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && (PASSED.has(name) || PASSED_PREFIXES.some((prefix) => name.startsWith(prefix)))) env[name] = value
  }
  return { ...env, ...own }
}
