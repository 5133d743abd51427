/**
 * A canary secret searched in everything a run of the committed bundle writes: logs, outputs, summary,
 * every file, and the environment Scout was given.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CARTOGRAPHY, filesUnder, finished, ROOT, runAction } from '../kit/helpers.js'
import { useFakeDocker } from '../kit/fake-scout.js'

const ECR = path.join(CARTOGRAPHY, 'ecr-recommendation-report.txt')
const docker = useFakeDocker()

describe('a canary secret, searched in everything the run writes', () => {
  const canary = 'Cn4ry-s3cr3t-Xw'
  /** The runner reads `::add-mask::` and never shows it: what a log shows is the rest. */
  const shown = (stdout: string) =>
    stdout
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n')
  const shapes = [
    `bolt://neo4j:${canary}@db:notaport`,
    `bolt://neo4j:${canary}@`,
    `bolt://neo4j:${canary}@[::1`,
    `neo4j://${canary}@db.example.test:7687`,
    `bolt://neo4j:${canary} with space@db:7687`
  ]
  for (const uri of shapes) {
    it(`a malformed neo4j-uri (${uri.replace(canary, 'SECRET')}) fails without echoing the password`, async () => {
      // The password sits only in the URI: no mask protects it, only what the action says.
      const result = await runAction({ reports: ECR, 'neo4j-uri': uri }, { RUNNER_DEBUG: '1' })
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/::error::neo4j-uri: /)
      expect(`${shown(result.stdout)}${result.stderr}${result.summary}${JSON.stringify(result.outputs)}`).not.toContain(canary)
      for (const [file, text] of await filesUnder(result.temp)) expect(text, file).not.toContain(canary)
    })
  }

  for (const uri of [`s3://AKIAEXAMPLE:${canary}@bucket/prefix`, `s3://${canary}@`, `s3://x:${canary}@b/p with space`]) {
    it(`a junk s3-uri (${uri.replace(canary, 'SECRET')}) fails without echoing the credential, on the CLI too`, async () => {
      const result = await runAction({ reports: ECR, 's3-uri': uri })
      expect(result.code).toBe(1)
      expect(result.stdout).toMatch(/::error::s3-uri: /)
      expect(`${result.stdout}${result.stderr}`).not.toContain(canary)
      const cli = await finished(
        process.execPath,
        [path.join(ROOT, 'bin', 'scout-graph.js'), '--reports', ECR, '--s3-uri', uri],
        process.env
      )
      expect(cli.code).toBe(2)
      expect(`${cli.stdout}${cli.stderr}`).not.toContain(canary)
    })
  }

  it('a scan run with every secret set leaks none into outputs, logs, reports, summary or Scout', async () => {
    const result = await runAction(
      {
        images: 'app:1,missing:2',
        'dockerhub-user': 'hubuser',
        'dockerhub-password': `${canary}-hub`,
        'neo4j-password': `${canary}-neo`,
        'github-token': `${canary}-gh`,
        'fail-on': 'none'
      },
      { PATH: process.env.PATH, DOCKER_SCOUT_FAKE_STATE: docker.state(), GITHUB_TOKEN: `${canary}-env` }
    )
    expect(result.code).toBe(0)
    for (const [file, text] of await filesUnder(result.temp)) expect(text, file).not.toContain(canary)
    expect(`${shown(result.stdout)}${result.stderr}${result.summary}`).not.toContain(canary)
    const [call] = await docker.calls()
    expect(call.fullEnv.DOCKER_SCOUT_HUB_PASSWORD).toBe(`${canary}-hub`)
    const others = Object.entries(call.fullEnv).filter(([name]) => name !== 'DOCKER_SCOUT_HUB_PASSWORD')
    expect(others.filter(([, value]) => value.includes(canary))).toEqual([])
  })
})
