/**
 * Digests from a real registry (`crane registry serve`, behind a token-auth proxy): a pin keeps its kind
 * (an index pin gets the new index, one platform's manifest the same platform's), refreshes and moves, once
 * per reference per run, and every failure a reason, never a wrong digest; end to end through the patch.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { renderPatch } from '../../src/fix/patch.js'
import { planFixes } from '../../src/fix/plan.js'
import { digestsToRelate, locateBases } from '../../src/code-scanning/locate.js'
import { readFroms } from '../../src/dockerfile/parse.js'
import { FIX_TEXTS } from '../../src/fix/texts.js'
import { renderSummary } from '../../src/summary/summary.js'
import { registryClient, REGISTRY_LIMITS } from '../../src/registry/client.js'
import type { Located } from '../../src/types/entry.js'
import { withBestMove } from '../../src/verdict/rank.js'
import { outdatedEntry } from '../kit/entries.js'
import { startRegistry, type TestRegistry } from '../kit/services/registry.js'
import { FAST_GITHUB, startGithubApi, type GithubApiStandIn } from '../kit/services/github-api.js'
import { gitRepo } from '../kit/services/github-git.js'
import { quietHost } from '../kit/host.js'
import { fixBranch, publishFixPrs } from '../../src/github/fix-prs.js'

describe('digests from the registry', () => {
  let registry: TestRegistry
  let github: GithubApiStandIn
  const built: Record<string, string> = {}
  beforeAll(async () => {
    registry = await startRegistry()
    github = await startGithubApi()
    built.oldAmd = await registry.image('lib/node', 'old-amd64', 'linux/amd64', 'node 22.13 amd64')
    built.oldArm = await registry.image('lib/node', 'old-arm64', 'linux/arm64/v8', 'node 22.13 arm64')
    built.oldIndex = await registry.index('lib/node', '22-alpine', [built.oldAmd, built.oldArm])
    built.newAmd = await registry.image('lib/node', 'new-amd64', 'linux/amd64', 'node 22.14 amd64')
    built.newArm = await registry.image('lib/node', 'new-arm64', 'linux/arm64/v8', 'node 22.14 arm64')
    built.newIndex = await registry.index('lib/node', '22.14-alpine', [built.newAmd, built.newArm])
    built.amdOnly = await registry.index('lib/node', '22.15-alpine', [built.newAmd])
    built.single = await registry.image('lib/node', '22.16-alpine', 'linux/arm64/v8', 'node 22.16 arm64 alone')
  }, 120_000)
  afterAll(async () => {
    await registry?.close()
    await github?.close()
  })
  beforeEach(() => {
    registry.requests.length = 0
    registry.faults.length = 0
    registry.redirectBlobs = false
    registry.storeAuthorizations.length = 0
    delete registry.credentials
  })
  const client = (limits: Partial<typeof REGISTRY_LIMITS> = {}) =>
    registryClient({ credentials: new Map(), hubRegistry: 'registry-1.docker.io', ...REGISTRY_LIMITS, ...limits })
  const repository = () => `${registry.host}/lib/node`

  it('keeps the kind of the pin: an index gets the new index, one platform gets the same platform of the new index', async () => {
    const registryUse = client()
    expect(await registryUse.pinFor(repository(), built.oldIndex, '22.14-alpine')).toEqual({ digest: built.newIndex, kind: 'index' })
    expect(await registryUse.pinFor(repository(), built.oldArm, '22.14-alpine')).toEqual({
      digest: built.newArm,
      kind: 'manifest',
      platform: 'linux/arm64/v8'
    })
    expect(await registryUse.pinFor(repository(), built.oldAmd, '22.14-alpine')).toMatchObject({
      digest: built.newAmd,
      platform: 'linux/amd64'
    })
    // Token auth from the challenge: the realm on another port was asked, for pull on this repository.
    expect(registry.requests.some((line) => line.startsWith('TOKEN ') && line.includes('scope=repository%3Alib%2Fnode%3Apull'))).toBe(true)
  })

  it('follows a blob redirect to a store, without taking the token there', async () => {
    registry.redirectBlobs = true
    expect(await client().pinFor(repository(), built.oldArm, '22.14-alpine')).toEqual({
      digest: built.newArm,
      kind: 'manifest',
      platform: 'linux/arm64/v8'
    })
    expect(registry.requests.some((line) => /^STORE \/v2\/lib\/node\/blobs\/sha256:/.test(line))).toBe(true)
    expect(registry.storeAuthorizations).toEqual([])
  })

  it('asks once per reference per run', async () => {
    const registryUse = client()
    await registryUse.pinFor(repository(), built.oldIndex, '22.14-alpine')
    const asked = registry.requests.length
    await registryUse.pinFor(repository(), built.oldIndex, '22.14-alpine')
    expect(registry.requests.length).toBe(asked)
  })

  it.each([
    [
      'an index without the pinned platform',
      () => built.oldArm,
      '22.15-alpine',
      undefined,
      'the index of 22.15-alpine has no linux/arm64/v8 manifest'
    ],
    [
      'a tag that is not an index for an index pin',
      () => built.oldIndex,
      '22.16-alpine',
      undefined,
      'the pin is a multi-platform index, and 22.16-alpine is not one'
    ],
    ['a tag that no longer exists', () => built.oldIndex, '21-alpine', undefined, 'lib/node:21-alpine: not found'],
    [
      'a hostile digest',
      () => built.oldIndex,
      '22.14-alpine',
      { match: /^HEAD .*22\.14-alpine$/, answer: 'hostile-digest' as const },
      /answered a digest that is not sha256/
    ],
    [
      'a registry that keeps failing',
      () => built.oldIndex,
      '22.14-alpine',
      { match: /^HEAD .*22\.14-alpine$/, times: 5, answer: { status: 503, headers: { 'retry-after': '0' } } },
      'lib/node:22.14-alpine: answered 503'
    ],
    [
      'a registry that hangs',
      () => built.oldIndex,
      '22.14-alpine',
      { match: /^HEAD .*22\.14-alpine$/, answer: 'hang' as const },
      /did not answer \(0.3 s\)/
    ]
  ])('gives a reason, never a digest, for %s', async (_, pinned, tag, fault, problem) => {
    if (fault) registry.faults.push(fault)
    const pin = await client({ timeoutMs: 300, retries: 1 }).pinFor(repository(), pinned(), tag)
    expect(pin).toEqual({ problem: typeof problem === 'string' ? problem : expect.stringMatching(problem) })
  })

  it('hashes the manifest when the registry gives no digest, and retries a 429 as Retry-After says', async () => {
    registry.faults.push({ match: /^HEAD .*22\.14-alpine$/, answer: 'no-digest' })
    registry.faults.push({ match: /^HEAD .*manifests\/sha256/, answer: { status: 429, headers: { 'retry-after': '0' } } })
    expect(await client().pinFor(repository(), built.oldIndex, '22.14-alpine')).toEqual({ digest: built.newIndex, kind: 'index' })
  })

  it('sends the credentials for that registry to its token realm, and says when they are refused', async () => {
    registry.credentials = { username: 'robot', password: 'p4ss' }
    const anonymous = await client().pinFor(repository(), built.oldIndex, '22.14-alpine')
    expect(anonymous).toEqual({ problem: `${registry.host} refused a token (401)` })
    const credentials = { username: 'robot', password: 'p4ss' }
    const withCredentials = registryClient({
      credentials: new Map([[registry.host, credentials]]),
      hubRegistry: 'registry-1.docker.io',
      ...REGISTRY_LIMITS
    })
    expect(await withCredentials.pinFor(repository(), built.oldIndex, '22.14-alpine')).toEqual({ digest: built.newIndex, kind: 'index' })
    // Docker Hub's images through a mirror standing in for its registry: Hub's credentials go to the mirror.
    const hub = registryClient({ credentials: new Map([['docker.io', credentials]]), hubRegistry: registry.host, ...REGISTRY_LIMITS })
    expect(await hub.pinFor('docker.io/lib/node', built.oldIndex, '22.14-alpine')).toEqual({ digest: built.newIndex, kind: 'index' })
  })

  it('moves pinned FROM lines to tag@digest in the patch, which git apply takes', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sg-pinned-'))
    const base = `${registry.host}/lib/node`
    const text = `FROM --platform=linux/arm64 ${base}:22-alpine@${built.oldArm} AS build\nFROM ${base}:22-alpine@${built.oldIndex}\n`
    await writeFile(path.join(root, 'Dockerfile'), text)
    execFileSync('git', ['init', '-q'], { cwd: root })
    const entry = withBestMove(outdatedEntry('app', `${base}:22-alpine`, [0, 1, 0, 0], [{ tag: '22.14-alpine', counts: [0, 0, 0, 0] }]))
    const located: Located = new Map([[entry, [1, 2].map((line) => ({ path: 'Dockerfile', line, stage: `#${line}` }))]])
    const registryUse = client()
    const { plans, notProposed } = await planFixes(
      [entry],
      located,
      async () => text,
      (repo, pinned, tag) => registryUse.pinFor(repo, pinned, tag)
    )
    expect(notProposed).toEqual([])
    expect(plans[0].files[0].pins).toEqual([
      { line: 1, digest: built.newArm, kind: 'manifest', platform: 'linux/arm64/v8' },
      { line: 2, digest: built.newIndex, kind: 'index' }
    ])
    // The fix pull request's body says which kind each pin is.
    const body = FIX_TEXTS.body(plans[0], undefined)
    expect(body).toContain(`  - line 1 stays pinned: \`${built.newArm}\`, the linux/arm64/v8 manifest of the new index, from the registry`)
    expect(body).toContain(`  - line 2 stays pinned: \`${built.newIndex}\`, the multi-platform index, from the registry`)
    await writeFile(path.join(root, 'fix.patch'), renderPatch(plans))
    execFileSync('git', ['apply', 'fix.patch'], { cwd: root })
    expect(await readFile(path.join(root, 'Dockerfile'), 'utf8')).toBe(
      `FROM --platform=linux/arm64 ${base}:22.14-alpine@${built.newArm} AS build\nFROM ${base}:22.14-alpine@${built.newIndex}\n`
    )
    // Without the registry (or when it fails), the pinned base is left alone, and the reason said.
    registry.faults.push({ match: /^HEAD .*22\.14-alpine$/, times: 10, answer: { status: 404 } })
    const failing = client()
    const left = await planFixes(
      [entry],
      located,
      async () => text,
      (repo, pinned, tag) => failing.pinFor(repo, pinned, tag)
    )
    expect(left).toEqual({
      plans: [],
      notProposed: [
        {
          base: `${base}:22-alpine`,
          path: 'Dockerfile',
          line: 1,
          reason: 'pinned by digest, and the new digest is unknown: lib/node:22.14-alpine: not found'
        }
      ]
    })
  })

  it('matches a pin to an index with a report on one of its platforms (and the reverse), and nothing else', async () => {
    const registryUse = client()
    expect(await registryUse.sameImage(repository(), built.oldIndex, built.oldArm)).toBe(true)
    expect(await registryUse.sameImage(repository(), built.oldAmd, built.oldIndex)).toBe(true)
    expect(await registryUse.sameImage(repository(), built.oldIndex, built.newArm)).toBe(false)
    expect(await registryUse.sameImage(repository(), built.oldArm, built.oldAmd)).toBe(false)
    // A report on the arm64 manifest, a Dockerfile pinned to the index: one FROM line, found with the registry only.
    const text = `FROM ${repository()}:22-alpine@${built.oldIndex}\n`
    const index = { files: [{ path: 'Dockerfile', froms: readFroms(text) }], mapped: new Map<string, string>() }
    const entry = outdatedEntry('app', `${repository()}:22-alpine`, [0, 1, 0, 0], [{ tag: '22.14-alpine', counts: [0, 0, 0, 0] }])
    entry.baseImage = { ...entry.baseImage!, digest: built.oldArm }
    const pairs = digestsToRelate([entry], index)
    expect(pairs).toEqual([{ repository: repository(), a: built.oldIndex, b: built.oldArm }])
    const related = await registryUse.sameImage(pairs[0].repository, pairs[0].a, pairs[0].b)
    const github = { apiUrl: '', serverUrl: '', artifactService: false }
    expect([...locateBases([entry], index, github).values()]).toEqual([])
    expect([...locateBases([entry], index, github, () => related).values()]).toEqual([[{ path: 'Dockerfile', line: 1, stage: '#0' }]])
  })

  it('carries a pinned move through a fix pull request: the branch holds tag@digest of the same kind', async () => {
    const base = `${registry.host}/lib/node`
    const text = `FROM ${base}:22-alpine@${built.oldArm}\n`
    const entry = withBestMove(outdatedEntry('app', `${base}:22-alpine`, [0, 1, 0, 0], [{ tag: '22.14-alpine', counts: [0, 0, 0, 0] }]))
    const located: Located = new Map([[entry, [{ path: 'Dockerfile', line: 1, stage: '#0' }]]])
    const registryUse = client()
    const { plans } = await planFixes(
      [entry],
      located,
      async () => text,
      (repo, pinned, tag) => registryUse.pinFor(repo, pinned, tag)
    )
    github.git = gitRepo({ Dockerfile: text })
    const target = {
      token: 't',
      github: { apiUrl: github.url, serverUrl: 'https://github.com', repository: 'o/r', artifactService: false },
      repository: 'o/r',
      labels: [],
      limit: 5,
      recommended: new Set([`${base}:22-alpine`]),
      mayClose: true
    }
    const result = await publishFixPrs(plans, target, FIX_TEXTS, quietHost(), FAST_GITHUB)
    expect(result.opened).toEqual([`${base}:22-alpine`])
    expect(github.git.fileAt(fixBranch(`${base}:22-alpine`), 'Dockerfile')).toBe(`FROM ${base}:22.14-alpine@${built.newArm}\n`)
    expect(github.git.pulls[0].body).toContain('the linux/arm64/v8 manifest of the new index')
  })

  it('refreshes a pin: the same tag, rebuilt, gets its new digest (this test moves the tag, so it runs last)', async () => {
    const rebuilt = await registry.index('lib/node', '22-alpine', [built.newAmd, built.newArm])
    expect(rebuilt).not.toBe(built.oldIndex)
    expect(await client().pinFor(repository(), built.oldIndex, '22-alpine')).toEqual({ digest: rebuilt, kind: 'index' })
    const entry = withBestMove(
      outdatedEntry(
        'app',
        `${repository()}:22-alpine`,
        [0, 1, 0, 0],
        [{ kind: 'refresh', tag: '22-alpine', counts: [0, 0, 0, 0], changes: ['refresh'] }]
      )
    )
    const text = `FROM ${repository()}:22-alpine@${built.oldIndex}\n`
    const registryUse = client()
    const { plans } = await planFixes(
      [entry],
      new Map([[entry, [{ path: 'Dockerfile', line: 1, stage: '#0' }]]]),
      async () => text,
      (repo, pinned, tag) => registryUse.pinFor(repo, pinned, tag)
    )
    expect(plans[0].files[0].after).toBe(`FROM ${repository()}:22-alpine@${rebuilt}\n`)
    expect(FIX_TEXTS.title(plans[0])).toBe(`Refresh ${repository()}:22-alpine to its newest build`)
    // The summary (and the dashboard, which it composes) says the pin fell behind its tag.
    expect(renderSummary([entry], { fixes: { proposals: { plans, notProposed: [] } } })).toContain(
      `- **Digest behind**: \`${repository()}:22-alpine\`, new digest from the registry: \`Dockerfile:1\` → \`${rebuilt.slice(0, 19)}\`… (index)`
    )
  })
})
