/** What every stage gets: the settings, where to speak, and the ledger its failures go into. */
import type { RunLedger } from '../ledger.js'
import type { Host } from '../host.js'
import type { Settings } from '../types/settings.js'
import { registryClient, REGISTRY_LIMITS, type RegistryClient, type RegistryCredentials } from '../registry/client.js'
import { normalizeReference } from '../dockerfile/reference.js'

export interface Run {
  settings: Settings
  host: Host
  /** Each stage records its failures here, the same way; destructive stages ask it first. */
  ledger: RunLedger
}

const registries = new WeakMap<Run, RegistryClient>()

/** The run's one registry client (its lookups cached for the run), made on first use. */
export function registryOf(run: Run): RegistryClient {
  let client = registries.get(run)
  if (!client) {
    client = registryClient({ credentials: registryCredentials(run.settings), hubRegistry: run.settings.hubRegistry, ...REGISTRY_LIMITS })
    registries.set(run, client)
  }
  return client
}

/**
 * Docker Hub's credentials for `docker.io`; the private registry's for the registries of the images this run
 * scans (never for a registry only a Dockerfile names, which could be anyone's).
 */
function registryCredentials({ scan, images }: Settings): Map<string, RegistryCredentials> {
  const pair = (username?: string, password?: string) => (username && password ? { username, password } : undefined)
  const credentials = new Map<string, RegistryCredentials>()
  const hub = pair(scan.credentials.DOCKER_SCOUT_HUB_USER, scan.credentials.DOCKER_SCOUT_HUB_PASSWORD)
  if (hub) credentials.set('docker.io', hub)
  const own = pair(scan.credentials.DOCKER_SCOUT_REGISTRY_USER, scan.credentials.DOCKER_SCOUT_REGISTRY_PASSWORD)
  for (const image of own ? images : []) {
    const repository = normalizeReference(image.replace(/^[a-z-]+:\/\//, ''))?.repository
    const registry = repository?.slice(0, repository.indexOf('/'))
    if (registry && registry !== 'docker.io') credentials.set(registry, own as RegistryCredentials)
  }
  return credentials
}
