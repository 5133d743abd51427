/**
 * The Scout cache kept with the Actions cache as GitHub's hosted runners serve it (cache service v2: Twirp
 * and signed blob URLs, the stand-in in kit/services/actions-cache.ts), run night after night by the
 * committed action on one runner layout: a workspace and a `RUNNER_TEMP` emptied before each run, as a
 * hosted runner starts. The fake Scout indexes an image unless the SBOM of its digest is in its cache folder.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FAKE_DOCKER, runAction } from '../kit/helpers.js'
import { startCacheService, type CacheServiceStandIn } from '../kit/services/actions-cache.js'
import { startScoutRelease, type ScoutRelease } from '../kit/services/scout-release.js'

const run = promisify(execFile)
let service: CacheServiceStandIn
let release: ScoutRelease
beforeAll(async () => {
  service = await startCacheService()
  release = await startScoutRelease('1.99.0')
})
afterAll(async () => {
  await service.close()
  await release.close()
})

let root: string
let state: string
let runId = 100
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'sg-actions-cache-'))
  state = path.join(root, 'docker-state')
  await mkdir(state)
  runId = 100
  service.entries.length = 0
  service.calls.length = 0
  service.faults.clear()
})

const IMAGES = ['app-0:1', 'app-1:1', 'app-2:1', 'app-3:1', 'app-4:1', 'app-5:1']

/** One night on a fresh runner: the same workspace path, an empty RUNNER_TEMP, the fake Scout's indexings counted. */
async function night(images: string[], inputs: Record<string, string> = {}, env: Record<string, string> = {}) {
  const workspace = path.join(root, 'work', 'r', 'r')
  const temp = path.join(root, 'work', '_temp')
  for (const fresh of [temp, workspace]) {
    await rm(fresh, { recursive: true, force: true })
    await mkdir(fresh, { recursive: true })
  }
  await rm(path.join(state, 'indexings'), { force: true })
  runId++
  const result = await runAction(
    { images: images.join('\n'), 'upload-artifact': 'false', 'fail-on': 'none', dockerfiles: 'none', comment: 'never', ...inputs },
    {
      ...service.env(),
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      RUNNER_TEMP: temp,
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_WORKFLOW: 'Nightly',
      GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/nightly.yml@refs/heads/main',
      GITHUB_JOB: 'scan',
      GITHUB_ACTION: 'scout',
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_EVENT_NAME: 'schedule',
      PATH: `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`,
      DOCKER_SCOUT_FAKE_STATE: state,
      ...env
    },
    workspace
  )
  const indexed = (await readFile(path.join(state, 'indexings'), 'utf8').catch(() => '')).split('\n').filter(Boolean)
  const log = `${result.stdout}${result.stderr}`
  return { ...result, log, indexed, kept: path.join(workspace, '.scout-graph-cache') }
}

const saves = () => service.calls.filter((call) => call === 'CreateCacheEntry').length
const finalized = () => service.entries.filter((entry) => entry.finalized)

/** Every file of every saved archive, extracted, as one text. */
async function savedText(): Promise<string> {
  let text = ''
  for (const entry of finalized()) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-saved-'))
    await writeFile(path.join(dir, 'archive'), entry.archive as Buffer)
    await mkdir(path.join(dir, 'x', 'y', 'z'), { recursive: true })
    await run('tar', ['-xf', path.join(dir, 'archive'), '-P', '-C', path.join(dir, 'x', 'y', 'z')])
    for (const file of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (file.isFile() && file.name !== 'archive') text += await readFile(path.join(file.parentPath, file.name), 'utf8')
    }
  }
  return text
}

describe('the Scout cache in the Actions cache (hosted runners: cache service v2)', () => {
  it('saves on the first night, restores on the next and indexes only what changed, and saves nothing when nothing changed', async () => {
    const first = await night(IMAGES)
    expect(first.code).toBe(0)
    expect(first.indexed.sort()).toEqual([...IMAGES].sort())
    expect(finalized().map((entry) => entry.key)).toEqual([
      `scout-graph-sbom-${process.platform}-${process.arch}-nightly.yml-scan-scout-${first.log.match(/scout-graph-sbom-\S+?-scout-([0-9a-f]{12})-/)?.[1]}-101-1`
    ])
    expect(first.log).toMatch(/cache: saved the Scout cache as scout-graph-sbom-\S+-101-1: 6 file\(s\), 0\.0 MB/)

    // Two images rebuilt (new digests) and one new image: three indexings, the other four found in the cache.
    const second = await night([...IMAGES, 'app-new:1'], {}, { DOCKER_SCOUT_FAKE_REBUILT: 'app-1:1,app-2:1' })
    expect(second.code).toBe(0)
    expect(second.indexed.sort()).toEqual(['app-1:1', 'app-2:1', 'app-new:1'])
    expect(second.log).toMatch(/cache: restored the Scout cache scout-graph-sbom-\S+-101-1: 6 file\(s\)/)
    expect(second.log).toContain('cache: 4 of 7 image(s) found their SBOM in the restored cache; 3 file(s) added')
    expect(second.outputs['scanned-count']).toBe('7')
    expect(JSON.parse(second.outputs.recommendations)).toHaveLength(7)
    expect(finalized().map((entry) => entry.key.split('-').slice(-2).join('-'))).toEqual(['101-1', '102-1'])

    // Nothing changed since: nothing indexed, nothing saved (the restored entry is still current).
    const third = await night([...IMAGES, 'app-new:1'], {}, { DOCKER_SCOUT_FAKE_REBUILT: 'app-1:1,app-2:1' })
    expect(third.indexed).toEqual([])
    expect(third.log).toContain('cache: the scan added nothing, so there is nothing new to save')
    expect(finalized()).toHaveLength(2)
    expect(saves()).toBe(2)
  })

  it('keeps legs apart: another shard or matrix leg of the same job never restores this one', async () => {
    await night(IMAGES, { 'comment-key': '{"registry":"a"}' })
    const other = await night(IMAGES, { 'comment-key': '{"registry":"b"}' })
    expect(other.indexed).toHaveLength(IMAGES.length)
    expect(other.log).toMatch(/cache: no saved Scout cache for this leg \(scout-graph-sbom-\S+\*\); every image is indexed/)
    const shard = await night(IMAGES, { 'comment-key': '{"registry":"a"}', shard: '1/2' })
    // A shard is a leg of its own: it indexes every image of its slice.
    expect(shard.indexed).toHaveLength(Number(shard.outputs['scanned-count']))
    expect(shard.indexed.length).toBeLessThan(IMAGES.length)
    const again = await night(IMAGES, { 'comment-key': '{"registry":"a"}' })
    expect(again.indexed).toEqual([])
    expect(new Set(finalized().map((entry) => entry.key.replace(/\d+-1$/, ''))).size).toBe(3)
  })

  it('restores on a pull-request run but never saves', async () => {
    await night(IMAGES)
    const event = path.join(root, 'event.json')
    await writeFile(
      event,
      JSON.stringify({ pull_request: { number: 7, head: { repo: { full_name: 'o/r' } }, base: { repo: { full_name: 'o/r' } } } })
    )
    const pr = await night([...IMAGES, 'app-pr:1'], {}, { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event })
    expect(pr.code).toBe(0)
    expect(pr.indexed).toEqual(['app-pr:1'])
    expect(pr.log).toContain('cache: a pull-request run restores the Scout cache but never saves it')
    expect(saves()).toBe(1)
  })

  it.each([
    ['the blob store answers 500', 'download-500' as const],
    ['the lookup is throttled (429)', 'lookup-429' as const],
    ['the archive comes cut short', 'truncated' as const]
  ])('scans cold, with a warning and a whole report, when %s', async (_, fault) => {
    await night(IMAGES)
    service.faults.add(fault)
    const cold = await night(IMAGES)
    expect(cold.code).toBe(0)
    expect(cold.log).toMatch(/::warning::Failed to restore/)
    expect(cold.log).not.toContain('::error::')
    expect(cold.log).toMatch(/cache: no saved Scout cache for this leg/)
    expect(cold.indexed.sort()).toEqual([...IMAGES].sort())
    expect(cold.outputs['failed-count']).toBe('0')
    expect(JSON.parse(cold.outputs.recommendations).map((entry: { status: string }) => entry.status)).toEqual(IMAGES.map(() => 'ok'))
    // What a cut-short archive left behind is gone: the folder holds this run's SBOMs only, whole.
    const sboms = await readdir(cold.kept, { recursive: true })
    expect(sboms.filter((name) => name.endsWith('.json') && name.includes('sha256-'))).toHaveLength(IMAGES.length)
  })

  it('drops a restore that is not whole, and scans cold', async () => {
    await night(IMAGES)
    // Rebuild the saved archive without one SBOM, as a partial restore would leave the folder.
    const [entry] = finalized()
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sg-partial-'))
    const workspace = path.join(dir, 'work', 'r', 'r')
    await mkdir(workspace, { recursive: true })
    await writeFile(path.join(dir, 'archive'), entry.archive as Buffer)
    await run('tar', ['-xf', path.join(dir, 'archive'), '-P', '-C', workspace])
    const names = (await run('tar', ['-tf', path.join(dir, 'archive'), '-P'])).stdout.split('\n').filter(Boolean)
    const dropped = names.find((name) => name.includes('sha256-')) as string
    await rm(path.join(workspace, dropped))
    const kept = names.filter((name) => name !== dropped && !name.endsWith('/'))
    const compressor = (entry.archive as Buffer).subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])) ? '--zstd' : '-z'
    await run('tar', ['-cf', path.join(dir, 'partial'), compressor, '-P', '-C', workspace, ...kept])
    entry.archive = await readFile(path.join(dir, 'partial'))

    const cold = await night(IMAGES)
    expect(cold.log).toMatch(
      /cache: the restored Scout cache \S+ is not whole \(\S+sha256-[0-9a-f]+\.json: missing\); dropped, every image is indexed/
    )
    expect(cold.indexed).toHaveLength(IMAGES.length)
  })

  it('warns when the save is refused for quota, and the step still passes', async () => {
    service.faults.add('quota')
    const refused = await night(IMAGES)
    expect(refused.code).toBe(0)
    expect(refused.log).toContain('Cache reservation failed: Cache storage quota exceeded for this repository')
    expect(refused.log).toMatch(
      /::warning::cache: the Scout cache was not saved as scout-graph-sbom-\S+ \(the cache service refused it; see above\)/
    )
    expect(finalized()).toEqual([])
  })

  it('never saves a credential: a canary in every credential input is in no saved file, and a folder holding one is not saved', async () => {
    const canary = 'Canary-pw-7f3e9a'
    const credentials = {
      'dockerhub-user': 'hubuser',
      'dockerhub-password': `${canary}-hub`,
      'registry-user': 'reguser',
      'registry-password': `${canary}-registry`,
      'github-token': `${canary}-github`,
      'fix-pr-token': `${canary}-fixpr`,
      'neo4j-password': `${canary}-neo4j`
    }
    await night(IMAGES, credentials)
    expect(finalized()).toHaveLength(1)
    expect(await savedText()).not.toContain(canary)

    // A Scout that keeps its login in its cache folder (as a Docker config does): that folder is not saved.
    const leaky = await night([...IMAGES, 'app-new:1'], credentials, { DOCKER_SCOUT_FAKE_KEEPS_LOGIN: '1' })
    expect(leaky.code).toBe(0)
    expect(leaky.log).toMatch(/::warning::cache: [0-9a-f]{24}\/config\.json in the Scout cache holds a credential; the cache is not saved/)
    // Only the runner's masking commands carry the secrets.
    expect(leaky.log.split('\n').filter((line) => !line.startsWith('::add-mask::'))).not.toContainEqual(expect.stringContaining(canary))
    expect(finalized()).toHaveLength(1)
  })

  it('keeps the Scout CLI by version, OS and architecture: the next runner restores it instead of downloading', async () => {
    const tools = path.join(root, 'tools')
    const install = () =>
      night(
        ['app-0:1'],
        { 'scout-version': '1.99.0' },
        {
          DOCKER_SCOUT_FAKE_PLUGIN: 'required',
          SCOUT_GRAPH_RELEASES_URL: release.releasesUrl,
          RUNNER_TOOL_CACHE: tools,
          DOCKER_CONFIG: path.join(root, 'docker')
        }
      )
    await release.reset()
    const first = await install()
    expect(first.code).toBe(0)
    expect(release.requests.map((request) => path.basename(request.url))).toHaveLength(2)
    expect(first.log).toContain(`cache: saved Scout CLI 1.99.0 as scout-graph-scout-cli-1.99.0-${process.platform}-${process.arch}`)

    // A fresh hosted runner: empty tool cache, no plugin.
    await rm(tools, { recursive: true, force: true })
    await rm(path.join(root, 'docker'), { recursive: true, force: true })
    release.requests.length = 0
    const second = await install()
    expect(second.code).toBe(0)
    expect(second.log).toContain(`cache: restored Scout CLI 1.99.0 (scout-graph-scout-cli-1.99.0-${process.platform}-${process.arch})`)
    expect(second.log).toContain('Installed docker scout (version: v1.99.0 (fake plugin))')
    expect(release.requests).toEqual([])
    expect(existsSync(path.join(tools, 'docker-scout', '1.99.0', `${process.arch}.complete`))).toBe(true)
  })

  it('warns, and passes, when its key was saved already (GitHub answers 409 to a second save under a key)', async () => {
    await night(IMAGES)
    runId--
    const again = await night([...IMAGES, 'app-new:1'])
    expect(again.code).toBe(0)
    expect(again.log).toMatch(
      /::warning::cache: the Scout cache was not saved as scout-graph-sbom-\S+-101-1 \(the cache service refused it; see above\)/
    )
    expect(finalized()).toHaveLength(1)
  })

  it('warns and scans every image when the kept folder cannot be made (the workspace is not a folder)', async () => {
    const file = path.join(root, 'not-a-folder')
    await writeFile(file, '')
    const result = await runAction(
      { images: IMAGES.join('\n'), 'upload-artifact': 'false', 'fail-on': 'none', dockerfiles: 'none', comment: 'never' },
      {
        ...service.env(),
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: path.join(file, 'ws'),
        PATH: `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`,
        DOCKER_SCOUT_FAKE_STATE: state
      }
    )
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/::warning::cache: the Scout cache folder \S+ cannot be used \(ENOTDIR[^)]*\); every image is indexed/)
    expect(result.outputs['scanned-count']).toBe(String(IMAGES.length))
    expect(result.outputs['failed-count']).toBe('0')
  })

  it('says once, and scans, where the runner has no cache service', async () => {
    const none = await night(IMAGES, {}, { ACTIONS_CACHE_SERVICE_V2: '', ACTIONS_RESULTS_URL: '' })
    expect(none.code).toBe(0)
    expect(none.log.match(/cache: no Actions cache service here/g)).toHaveLength(1)
    expect(none.indexed).toHaveLength(IMAGES.length)
    expect(service.calls).toEqual([])
  })

  it('is off with cache: false, and says so nowhere', async () => {
    const off = await night(IMAGES, { cache: 'false' })
    expect(off.code).toBe(0)
    expect(service.calls).toEqual([])
    expect(off.log).not.toContain('cache:')
  })
})
