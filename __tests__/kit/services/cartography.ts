/** Cartography itself (pinned in test-services/requirements.txt), run the way its docs say, on a test Neo4j. */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { ROOT } from '../helpers.js'
import type { TestNeo4j } from './neo4j.js'

export const VENV_BIN = path.join(ROOT, '.cache', 'venv', 'bin')

export interface CartographyRun {
  stdout: string
  stderr: string
}

/** `cartography --selected-modules docker_scout --docker-scout-source SOURCE --update-tag T`; rejects when it fails. */
export async function runCartography(
  db: TestNeo4j,
  source: string,
  updateTag: number,
  env: NodeJS.ProcessEnv = {}
): Promise<CartographyRun> {
  const args = [
    '--neo4j-uri',
    db.uri,
    '--neo4j-user',
    db.user,
    '--neo4j-password-env-var',
    'TEST_NEO4J_PASSWORD',
    '--selected-modules',
    'docker_scout',
    '--docker-scout-source',
    source,
    '--update-tag',
    String(updateTag)
  ]
  return promisify(execFile)(path.join(VENV_BIN, 'cartography'), args, {
    env: { ...process.env, ...env, TEST_NEO4J_PASSWORD: db.password },
    maxBuffer: 64 * 1024 * 1024
  })
}
