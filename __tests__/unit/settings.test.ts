import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { INPUTS } from '../../src/inputs.js'
import { shardOf } from '../../src/matrix/shard.js'
import { InputError, buildSettings, type SettingsContext } from '../../src/settings/index.js'
import { VERSION } from '../../src/version.js'
import { ROOT } from '../kit/helpers.js'

const context: SettingsContext = {
  env: {},
  matchReports: async (patterns) => (patterns.includes('none/*') ? [] : ['/r/a.txt']),
  now: () => 1_700_000_000_500
}
const build = (raw: Record<string, string>) => buildSettings(raw, context)

async function rejection(raw: Record<string, string>): Promise<InputError> {
  const error = await build(raw).catch((caught: unknown) => caught)
  expect(error).toBeInstanceOf(InputError)
  return error as InputError
}

describe('settings', () => {
  it('applies the declared defaults', async () => {
    const settings = await build({ reports: 'r/*.txt' })
    expect(settings).toMatchObject({
      reportFiles: ['/r/a.txt'],
      graphMode: 'cartography',
      updateTag: 1_700_000_000,
      summary: true,
      comment: 'auto',
      uploadArtifact: true,
      failOn: ['error'],
      scan: { onlyRefresh: false, concurrency: 1, timeoutSeconds: 600, retries: 2, credentials: {} }
    })
    expect(settings.graphFile).toBe(path.join(settings.outputDir, 'graph.json'))
    expect(settings.sarifFile).toBe(path.join(settings.outputDir, 'scout-graph.sarif'))
    expect(settings.dockerfiles).toEqual({ auto: true, patterns: [], mapped: new Map(), root: path.resolve('.') })
    expect(settings.dashboard).toBeUndefined()
  })

  it('reads dockerfiles lines as auto, IMAGE=PATH or a pattern, under GITHUB_WORKSPACE; and the dashboard title', async () => {
    const settings = await buildSettings(
      { reports: 'x', dockerfiles: 'ghcr.io/acme/api:1=services/api/Dockerfile\ndocker/*.Dockerfile', dashboard: 'true' },
      { ...context, env: { GITHUB_WORKSPACE: '/work/repo' } }
    )
    expect(settings.dockerfiles).toEqual({
      auto: false,
      patterns: ['docker/*.Dockerfile'],
      mapped: new Map([['ghcr.io/acme/api:1', 'services/api/Dockerfile']]),
      root: '/work/repo'
    })
    expect(settings.dashboard).toEqual({ title: 'Base image recommendations' })
    expect((await build({ reports: 'x', dockerfiles: 'none' })).dockerfiles).toBeUndefined()
  })

  it.each([
    [{ reports: 'x', 'fail-on': 'error,sometimes' }, 'fail-on', /unknown word "sometimes"/],
    [{ reports: 'x', 'fail-on': 'none,error' }, 'fail-on', /unknown word "none"/],
    [{ images: 'a', shard: '0/3' }, 'shard', /K\/N/],
    [{ images: 'a', shard: 'two' }, 'shard', /K\/N/],
    [{ reports: 'none/*' }, 'reports', /no file matches "none\/\*"/],
    [{ reports: 'x', 'update-tag': '12.5' }, 'update-tag', /whole number/],
    [{ reports: 'x', 'update-tag': '-1' }, 'update-tag', /whole number/],
    [{ reports: 'x', concurrency: '0' }, 'concurrency', /from 1 to 64/],
    [{ reports: 'x', cleanup: 'yes' }, 'cleanup', /expected true or false/],
    [{ reports: 'x', cleanup: 'true' }, 'cleanup', /needs neo4j-uri/],
    [{ reports: 'x', 's3-uri': 'https://bucket/x' }, 's3-uri', /expected s3:\/\/bucket\/prefix\//],
    [{ reports: 'x', 's3-uri': 's3://Bad_Bucket/x' }, 's3-uri', /not a valid bucket name/],
    [{ reports: 'x', 's3-uri': 's3://192.168.1.1/x' }, 's3-uri', /not a valid bucket name/],
    [{ reports: 'x', 's3-uri': 's3://ab/x' }, 's3-uri', /not a valid bucket name/],
    [{ reports: 'x', 's3-uri': 's3://bucket', 's3-prune': 'true' }, 's3-prune', /refuses to prune a whole bucket/],
    [{ reports: 'x', 's3-prune': 'true' }, 's3-prune', /needs s3-uri/],
    [{ reports: 'x', dockerfiles: '=services/api/Dockerfile' }, 'dockerfiles', /expected IMAGE=PATH/],
    [{ reports: 'x', dockerfiles: 'app:1=.' }, 'dockerfiles', /names no file/],
    [{ reports: 'x', dockerfiles: 'auto\nnone' }, 'dockerfiles', /none stands alone/],
    [{ reports: 'x', dashboard: 'true', 'dashboard-title': 'a\u0007b' }, 'dashboard-title', /one line of 1 to 256 characters/],
    [{ reports: 'x', dashboard: 'maybe' }, 'dashboard', /expected true or false/],
    [{ reports: 'x', dockerfiles: '-x=Dockerfile' }, 'dockerfiles', /starts with "-"/],
    [{ reports: 'x', 'neo4j-uri': 'http://127.0.0.1:7474' }, 'neo4j-uri', /bolt:\/\/, bolt\+s:\/\/.* and a host/],
    [{ reports: 'x', 'neo4j-uri': 'localhost:7687' }, 'neo4j-uri', /expected/],
    [{ reports: 'x', 'neo4j-uri': 'bolt://neo4j:hunter22@db:7687' }, 'neo4j-uri', /must not contain a user name or password/],
    [{ reports: 'x', 'neo4j-uri': 'bolt://db', 'neo4j-database': '-x' }, 'neo4j-database', /leading "-"/],
    [{ reports: 'x', summary: 'yes' }, 'summary', /expected true or false/],
    [{ reports: 'x', 'graph-mode': 'full' }, 'graph-mode', /cartography, extended/],
    [{ reports: 'x', comment: 'sometimes' }, 'comment', /auto, always, never/],
    [{ images: '--output=/etc/passwd' }, 'images', /starts with "-"/],
    [{ images: 'ftp://x/y:1' }, 'images', /unknown prefix "ftp:\/\/"/],
    [{ images: 'a\u0007b' }, 'images', /control characters/],
    [{ images: 'node:25 ; rm -rf /' }, 'images', /whitespace/],
    [{ reports: 'x', platform: '--debug' }, 'platform', /leading "-"/],
    [{ reports: 'x', 'scout-version': 'latest' }, 'scout-version', /expected a release like 1\.23\.0, got "latest"/],
    [{ reports: 'x', 'artifact-name': 'scan/leg:1' }, 'artifact-name', /not a valid artifact name/],
    [{ reports: 'x', 'artifact-retention-days': '91' }, 'artifact-retention-days', /from 1 to 90/],
    [{}, 'images', /nothing to do/]
  ])('rejects %j naming %s', async (raw, input, message) => {
    const error = await rejection(raw)
    expect(error.input).toBe(input)
    expect(error.message.startsWith(`${input}: `)).toBe(true)
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('\n')
  })

  it('keys the comment by comment-key; off a runner its expression default is empty', async () => {
    expect((await build({ reports: 'x', 'comment-key': '{"node":22}' })).commentKey).toBe('{"node":22}')
    expect((await build({ reports: 'x' })).commentKey).toBe('')
  })

  it('reads images and images-file, drops comments and duplicates', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-'))
    const file = path.join(dir, 'images.txt')
    await writeFile(file, '# fleet\nnode:25-alpine\n\nregistry://ghcr.io/o/app:1  # prod\nnode:25-alpine\n')
    const settings = await build({ images: 'alpine:3, node:25-alpine\nlocal://app:dev', 'images-file': file })
    expect(settings.images).toEqual(['alpine:3', 'node:25-alpine', 'local://app:dev', 'registry://ghcr.io/o/app:1'])
  })

  it('names images-file when it cannot be read', async () => {
    expect((await rejection({ 'images-file': '/no/such/file' })).input).toBe('images-file')
  })

  it('passes credentials on as Scout environment variables only', async () => {
    const settings = await build({ reports: 'x', 'dockerhub-user': 'me', 'dockerhub-password': 'pw', 'registry-password': 'rp' })
    expect(settings.scan.credentials).toEqual({
      DOCKER_SCOUT_HUB_USER: 'me',
      DOCKER_SCOUT_HUB_PASSWORD: 'pw',
      DOCKER_SCOUT_REGISTRY_PASSWORD: 'rp'
    })
  })

  it('reads the S3 target: a prefix always ends in "/", so reports never mixes with reports-old/', async () => {
    expect((await build({ reports: 'x', 's3-uri': 's3://scout-reports/nightly' })).s3).toEqual({
      bucket: 'scout-reports',
      prefix: 'nightly/',
      prune: false,
      forcePathStyle: false
    })
    expect((await build({ reports: 'x', 's3-uri': 's3://scout-reports/a/b/', 's3-prune': 'true' })).s3?.prefix).toBe('a/b/')
    expect((await build({ reports: 'x', 's3-uri': 's3://scout-reports' })).s3?.prefix).toBe('')
  })

  it('names legs when a manifest is missing or is not one', async () => {
    const asGiven: SettingsContext = { ...context, matchReports: async (patterns) => patterns }
    const notManifest = path.join(ROOT, 'package.json')
    for (const [file, message] of [
      [
        notManifest,
        `legs: ${notManifest}: field "schema" must be "scout-graph-leg/1" (is this a scout-graph-leg.json written by scout-graph-action?)`
      ],
      ['/no/such/leg.json', "legs: cannot read /no/such/leg.json: ENOENT: no such file or directory, open '/no/such/leg.json'"]
    ]) {
      const error = await buildSettings({ legs: file }, asGiven).catch((caught: unknown) => caught as InputError)
      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).message).toBe(message)
    }
  })

  it('reads the Scout CLI source, the artifact inputs and the registry credentials', async () => {
    const settings = await build({
      reports: 'x',
      'scout-version': 'v1.18.3',
      'github-token': 'ghs_x',
      'upload-artifact': 'false',
      'artifact-name': 'scout-graph-nightly',
      'artifact-retention-days': '7',
      'registry-user': 'robot',
      'registry-password': 'rp'
    })
    expect(settings.scan.scout).toEqual({
      version: '1.18.3',
      releasesUrl: 'https://github.com/docker/scout-cli/releases/download',
      githubToken: 'ghs_x'
    })
    expect(settings).toMatchObject({ uploadArtifact: false, artifactName: 'scout-graph-nightly', artifactRetentionDays: 7 })
    expect(settings.scan.credentials).toEqual({ DOCKER_SCOUT_REGISTRY_USER: 'robot', DOCKER_SCOUT_REGISTRY_PASSWORD: 'rp' })
  })

  it('reads the Neo4j target, and never echoes a password given in the URI', async () => {
    const settings = await build({ reports: 'x', 'neo4j-uri': 'neo4j+s://db.example:7687', 'neo4j-password': 'pw', cleanup: 'true' })
    expect(settings.neo4j).toMatchObject({ uri: 'neo4j+s://db.example:7687', user: 'neo4j', password: 'pw', cleanup: true })
    expect((await build({ reports: 'x', 'neo4j-uri': 'bolt://db', 'neo4j-user': 'scanner' })).neo4j?.user).toBe('scanner')
    expect((await rejection({ reports: 'x', 'neo4j-uri': 'bolt://neo4j:hunter22@db:7687' })).message).not.toContain('hunter22')
  })

  it('keeps VERSION, written as _module_version, equal to package.json', async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(VERSION).toBe(pkg.version)
  })
})

describe('the cache input', () => {
  const runner = {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: '/work/r/r',
    GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/nightly.yml@refs/heads/main',
    GITHUB_JOB: 'scan',
    GITHUB_ACTION: 'scout',
    GITHUB_RUN_ID: '77',
    GITHUB_RUN_ATTEMPT: '2'
  }
  const on = (raw: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
    buildSettings({ images: 'app:1', ...raw }, { ...context, env: { ...runner, ...env } })

  it('keys this leg by workflow file, job, step, shard and matrix values, and saves under the run and attempt', async () => {
    const { scan } = await on({ 'comment-key': '{"registry":"a"}', shard: '2/3', images: 'a:1,b:1,c:1' })
    expect(scan.cacheDir).toBe(path.join('/work/r/r', '.scout-graph-cache'))
    expect(scan.actionsCache?.restorePrefix).toMatch(
      new RegExp(`^scout-graph-sbom-${process.platform}-${process.arch}-nightly\\.yml-scan-scout-2of3-[0-9a-f]{12}-$`)
    )
    expect(scan.actionsCache?.saveKey).toBe(`${scan.actionsCache?.restorePrefix}77-2`)
    expect(scan.actionsCache?.save).toBe(true)
    // Another leg of the same job: another prefix, so neither restores the other.
    const other = (await on({ 'comment-key': '{"registry":"b"}', shard: '2/3', images: 'a:1,b:1,c:1' })).scan.actionsCache
    expect(other?.restorePrefix).not.toBe(scan.actionsCache?.restorePrefix)
  })

  it('cuts hostile names to what a key may hold (no commas, at most 512 characters)', async () => {
    const { scan } = await on({}, { GITHUB_JOB: `a,b ${'x'.repeat(600)}`, GITHUB_ACTION: '__org_scout,graph' })
    const key = scan.actionsCache?.saveKey ?? ''
    expect(key).not.toMatch(/[^A-Za-z0-9_.-]/)
    expect(key.length).toBeLessThanOrEqual(512)
    expect(key).toContain('-a_b_xxx')
  })

  it('never saves on a pull-request run, and is off with cache: false or off a runner', async () => {
    expect((await on({}, { GITHUB_EVENT_NAME: 'pull_request_target' })).scan.actionsCache?.save).toBe(false)
    expect((await on({ cache: 'false' })).scan).not.toHaveProperty('actionsCache')
    expect((await on({ cache: 'false' })).scan).not.toHaveProperty('cacheDir')
    expect((await build({ images: 'app:1' })).scan).not.toHaveProperty('actionsCache')
  })

  it('refuses a cache value that is not a boolean, naming the input', async () => {
    expect((await rejection({ images: 'app:1', cache: 'sometimes' })).message).toMatch(/^cache: /)
  })
})

describe('sharding', () => {
  const images = fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,12}:[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 60 })
  it('covers the list exactly once over N shards, however it is ordered', async () => {
    await fc.assert(
      fc.asyncProperty(images, fc.integer({ min: 1, max: 9 }), async (list, count) => {
        const legs = await Promise.all(
          Array.from({ length: count }, (_, k) => build({ images: list.join(','), shard: `${k + 1}/${count}` }))
        )
        const reversed = await Promise.all(
          Array.from({ length: count }, (_, k) => build({ images: [...list].reverse().join(','), shard: `${k + 1}/${count}` }))
        )
        const all = legs.flatMap((leg) => leg.images)
        expect([...all].sort()).toEqual([...list].sort())
        legs.forEach((leg, k) => expect([...leg.images].sort()).toEqual([...reversed[k].images].sort()))
      }),
      { numRuns: 40 }
    )
  })

  it('keeps a reference in its shard when the list grows', () => {
    expect(shardOf('node:25-alpine', 8)).toBe(shardOf('node:25-alpine', 8))
    expect(new Set(Array.from({ length: 400 }, (_, i) => shardOf(`img${i}:1`, 4)))).toEqual(new Set([1, 2, 3, 4]))
  })

  it('declares an input spec for every name it reads', () => {
    expect(new Set(INPUTS.map((spec) => spec.name)).size).toBe(INPUTS.length)
  })
})
