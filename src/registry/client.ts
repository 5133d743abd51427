/**
 * Digests from the registry a reference names, with the Registry HTTP API (the OCI distribution spec):
 * a `HEAD` of the manifest with every manifest media type in `Accept`, its `Docker-Content-Digest` (else a
 * `GET`, hashed), token auth from the `WWW-Authenticate` challenge (anonymous, or the credentials for that
 * registry), and a pin's kind kept: an index pin gets the new index, one platform's manifest gets the same
 * platform's manifest of the new index. One lookup per reference per run, a few at a time, each bounded
 * in time, the whole within a budget; every failure is a reason, never a wrong digest.
 */
import { createHash } from 'node:crypto'
import pLimit from 'p-limit'

export const MANIFEST_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json'
} as const
const ACCEPT = Object.values(MANIFEST_TYPES).join(', ')
const INDEX_TYPES = new Set<string>([MANIFEST_TYPES.ociIndex, MANIFEST_TYPES.dockerList])
const DIGEST = /^sha256:[0-9a-f]{64}$/
/** The most a manifest or config may take: they are a few kilobytes. */
const MAX_BODY = 4 * 1024 * 1024

export interface RegistryCredentials {
  username: string
  password: string
}

export interface RegistryOptions {
  /** The host that serves Docker Hub's images: `registry-1.docker.io`, or a mirror. */
  hubRegistry: string
  /** Credentials per registry host (`docker.io` for Docker Hub); anonymous for the others. */
  credentials: ReadonlyMap<string, RegistryCredentials>
  timeoutMs: number
  /** The whole run's lookups stop after this long: the rest are left pinned, with the reason. */
  budgetMs: number
  retries: number
  concurrency: number
}

export const REGISTRY_LIMITS: Omit<RegistryOptions, 'credentials' | 'hubRegistry'> = {
  timeoutMs: 10_000,
  budgetMs: 120_000,
  retries: 2,
  concurrency: 4
}

/** A new pin: the digest, of the same kind as the old one (`index`, or one platform's `manifest`). */
export type Pin = { digest: string; kind: 'index' | 'manifest'; platform?: string } | { problem: string }

interface Platform {
  os?: string
  architecture?: string
  variant?: string
}

const platformName = (platform: Platform) => [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/')

/** `docker.io/library/node` → the host to call and the repository name there. */
function locate(repository: string, hubRegistry: string): { host: string; name: string } {
  const slash = repository.indexOf('/')
  const registry = repository.slice(0, slash)
  return { host: registry === 'docker.io' ? hubRegistry : registry, name: repository.slice(slash + 1) }
}

/** Loopback registries are plain HTTP, as Docker treats them as insecure; every other one is HTTPS. */
const baseUrl = (host: string) => `${/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host) ? 'http' : 'https'}://${host}`

class Problem extends Error {}

export function registryClient(options: RegistryOptions, fetchImpl: typeof fetch = fetch) {
  const started = Date.now()
  // Docker Hub's credentials go to its registry (or the mirror standing in for it).
  const registryOf = (host: string) => (host === options.hubRegistry ? 'docker.io' : host)
  const tokens = new Map<string, Promise<string | undefined>>()
  const lookups = new Map<string, Promise<Pin>>()
  // At most `concurrency` lookups at once, with the queue the scan uses for its processes.
  const slot = pLimit(options.concurrency)

  /** One request, with the token once challenged, retried on 429 and 5xx as `Retry-After` says. */
  async function call(host: string, name: string, path: string, method: 'GET' | 'HEAD', accept: string): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      if (Date.now() - started > options.budgetMs)
        throw new Problem(`the registry lookups' time budget (${options.budgetMs / 1000} s) is spent`)
      const token = await tokens.get(`${host} ${name}`)
      const response = await fetchImpl(`${baseUrl(host)}/v2/${name}/${path}`, {
        method,
        headers: { accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        redirect: 'follow',
        signal: AbortSignal.timeout(options.timeoutMs)
      }).catch((error: unknown) => {
        throw new Problem(
          `${host} did not answer (${(error as Error).name === 'TimeoutError' ? `${options.timeoutMs / 1000} s` : (error as Error).message})`
        )
      })
      if (response.status === 401 && token === undefined && attempt === 0) {
        tokens.set(`${host} ${name}`, tokenFor(host, registryOf(host), name, response.headers.get('www-authenticate') ?? ''))
        await response.body?.cancel()
        continue
      }
      if ((response.status === 429 || response.status >= 500) && attempt < options.retries) {
        const asked = Number(response.headers.get('retry-after') ?? Number.NaN)
        const wait = Math.min(Number.isFinite(asked) && asked >= 0 ? asked : 2 ** attempt, 10)
        await response.body?.cancel()
        await new Promise((resolve) => setTimeout(resolve, wait * 1000))
        continue
      }
      return response
    }
  }

  /** A bearer token from the challenge's realm, for pulling `name` (with the registry's credentials, if any). */
  async function tokenFor(host: string, registry: string, name: string, challenge: string): Promise<string | undefined> {
    const params = Object.fromEntries([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key.toLowerCase(), value]))
    if (!/^bearer\s/i.test(challenge) || !params.realm)
      throw new Problem(`${host} asks for credentials this action does not have (${challenge.split(' ')[0] || 'no challenge'})`)
    const realm = new URL(params.realm)
    if (params.service) realm.searchParams.set('service', params.service)
    realm.searchParams.set('scope', `repository:${name}:pull`)
    const credentials = options.credentials.get(registry)
    const response = await fetchImpl(realm, {
      headers: credentials
        ? { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` }
        : {},
      signal: AbortSignal.timeout(options.timeoutMs)
    }).catch(() => undefined)
    if (!response?.ok) throw new Problem(`${host} refused a token${response ? ` (${response.status})` : ''}`)
    const body = (await response.json().catch(() => ({}))) as { token?: unknown; access_token?: unknown }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined
    if (!token) throw new Problem(`${host} gave no token`)
    return token
  }

  async function json(response: Response, what: string): Promise<Record<string, unknown>> {
    const text = await response.text()
    if (text.length > MAX_BODY) throw new Problem(`${what} is over ${MAX_BODY} bytes`)
    try {
      return JSON.parse(text) as Record<string, unknown>
    } catch {
      throw new Problem(`${what} is not JSON`)
    }
  }

  const refused = (response: Response, what: string) =>
    new Problem(
      `${what}: ${response.status === 404 ? 'not found' : response.status === 401 || response.status === 403 ? `refused (${response.status})` : `answered ${response.status}`}`
    )

  /** The digest and media type of a manifest, by `HEAD` (a `GET`, hashed, when no digest comes back). */
  async function manifestHead(host: string, name: string, reference: string): Promise<{ digest: string; type: string }> {
    const head = await call(host, name, `manifests/${reference}`, 'HEAD', ACCEPT)
    if (!head.ok) throw refused(head, `${name}:${reference}`)
    const digest = head.headers.get('docker-content-digest')
    const type = (head.headers.get('content-type') ?? '').split(';')[0]
    if (digest && type) {
      if (!DIGEST.test(digest)) throw new Problem(`${host} answered a digest that is not sha256: ${JSON.stringify(digest.slice(0, 80))}`)
      return { digest, type }
    }
    const got = await call(host, name, `manifests/${reference}`, 'GET', ACCEPT)
    if (!got.ok) throw refused(got, `${name}:${reference}`)
    const bytes = Buffer.from(await got.arrayBuffer())
    return {
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      type: (got.headers.get('content-type') ?? '').split(';')[0]
    }
  }

  /** The platform of one platform's manifest: from its config blob (a redirect to a blob store is followed). */
  async function platformOf(host: string, name: string, digest: string): Promise<Platform> {
    const manifest = await json(await call(host, name, `manifests/${digest}`, 'GET', ACCEPT), `the manifest ${digest}`)
    const config = (manifest.config as { digest?: string } | undefined)?.digest
    if (!config || !DIGEST.test(config)) throw new Problem(`the manifest ${digest} names no config`)
    const blob = await call(host, name, `blobs/${config}`, 'GET', 'application/json')
    if (!blob.ok) throw refused(blob, `the config of ${digest}`)
    const body = await json(blob, `the config of ${digest}`)
    return {
      os: body.os as string,
      architecture: body.architecture as string,
      ...(body.variant ? { variant: body.variant as string } : {})
    }
  }

  async function lookUp(repository: string, pinned: string, tag: string): Promise<Pin> {
    const { host, name } = locate(repository, options.hubRegistry)
    try {
      const target = await manifestHead(host, name, tag)
      const current = await manifestHead(host, name, pinned)
      if (INDEX_TYPES.has(current.type)) {
        if (!INDEX_TYPES.has(target.type)) return { problem: `the pin is a multi-platform index, and ${tag} is not one` }
        return { digest: target.digest, kind: 'index' }
      }
      const platform = await platformOf(host, name, pinned)
      if (!INDEX_TYPES.has(target.type)) {
        const targetPlatform = await platformOf(host, name, target.digest)
        if (platformName(targetPlatform) !== platformName(platform)) return { problem: `${tag} is not for ${platformName(platform)}` }
        return { digest: target.digest, kind: 'manifest', platform: platformName(platform) }
      }
      const index = await json(await call(host, name, `manifests/${target.digest}`, 'GET', ACCEPT), `the index of ${tag}`)
      const entries = (Array.isArray(index.manifests) ? index.manifests : []) as { digest?: string; platform?: Platform }[]
      const same = entries.find(
        (entry) =>
          entry.platform?.os === platform.os &&
          entry.platform?.architecture === platform.architecture &&
          (entry.platform?.variant ?? '') === (platform.variant ?? '')
      )
      if (!same?.digest || !DIGEST.test(same.digest)) return { problem: `the index of ${tag} has no ${platformName(platform)} manifest` }
      return { digest: same.digest, kind: 'manifest', platform: platformName(platform) }
    } catch (error) {
      if (error instanceof Problem) return { problem: error.message }
      throw error
    }
  }

  /** The manifests an index lists; none when `digest` is one platform's manifest. */
  async function childrenOf(host: string, name: string, digest: string): Promise<string[]> {
    const response = await call(host, name, `manifests/${digest}`, 'GET', ACCEPT)
    if (!response.ok) throw refused(response, `${name}@${digest}`)
    const type = (response.headers.get('content-type') ?? '').split(';')[0]
    const body = await json(response, `the manifest ${digest}`)
    if (!INDEX_TYPES.has(type) && !INDEX_TYPES.has(String(body.mediaType))) return []
    return ((Array.isArray(body.manifests) ? body.manifests : []) as { digest?: string }[]).flatMap((entry) =>
      typeof entry.digest === 'string' && DIGEST.test(entry.digest) ? [entry.digest] : []
    )
  }
  const related = new Map<string, Promise<boolean>>()

  return {
    /**
     * Whether two digests of a repository name one image: one is a multi-platform index that lists the other
     * (a pin to the index and a report on one platform's manifest, or the reverse). False when the registry
     * cannot tell.
     */
    sameImage(repository: string, a: string, b: string): Promise<boolean> {
      if (a === b) return Promise.resolve(true)
      const key = `${repository}@${[a, b].sort().join(' ')}`
      let found = related.get(key)
      if (!found) {
        const { host, name } = locate(repository, options.hubRegistry)
        found = slot(async () => {
          try {
            return (await childrenOf(host, name, a)).includes(b) || (await childrenOf(host, name, b)).includes(a)
          } catch (error) {
            if (error instanceof Problem) return false
            throw error
          }
        })
        related.set(key, found)
      }
      return found
    },
    /** The pin for `repository:tag` of the same kind as `pinned` (a digest of that repository). */
    pinFor(repository: string, pinned: string, tag: string): Promise<Pin> {
      const key = `${repository}:${tag}@${pinned}`
      let found = lookups.get(key)
      if (!found) {
        found = slot(() => lookUp(repository, pinned, tag))
        lookups.set(key, found)
      }
      return found
    }
  }
}

export type RegistryClient = ReturnType<typeof registryClient>
