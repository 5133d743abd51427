/**
 * The fake `docker` that plays Scout, put first on PATH for each test with a fresh state folder, and the
 * calls it recorded (its arguments and the whole environment it was given).
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeEach } from 'vitest'
import { FAKE_DOCKER } from './helpers.js'

export interface ScoutCall {
  args: string[]
  image: string
  /** The Scout variables it was given. */
  env: Record<string, string>
  /** Its whole environment. */
  fullEnv: Record<string, string>
  pid: number
}

export function useFakeDocker() {
  const current = { state: '', outputDir: '' }
  beforeEach(async () => {
    current.state = await mkdtemp(path.join(os.tmpdir(), 'sg-docker-'))
    current.outputDir = await mkdtemp(path.join(os.tmpdir(), 'sg-out-'))
    if (!process.env.PATH?.startsWith(FAKE_DOCKER)) process.env.PATH = `${FAKE_DOCKER}${path.delimiter}${process.env.PATH}`
    process.env.DOCKER_SCOUT_FAKE_STATE = current.state
  })
  return {
    /** The fake's state folder of this test. */
    state: () => current.state,
    /** A fresh output folder of this test. */
    outputDir: () => current.outputDir,
    /** Every call the fake recorded in this test, in order. */
    async calls(): Promise<ScoutCall[]> {
      const text = await readFile(path.join(current.state, 'calls.jsonl'), 'utf8').catch(() => '')
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ScoutCall)
    }
  }
}
