import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const FIXTURES = path.join(ROOT, '__tests__', 'fixtures')
export const CARTOGRAPHY = path.join(FIXTURES, 'cartography-docker-scout')
export const WILD = path.join(FIXTURES, 'scout-recommendations')

export function fixture(dir: string, name: string): Buffer {
  return readFileSync(path.join(dir, name))
}

/** Every fixture file (not the SOURCE.md/expected.md notes). */
export function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.endsWith('.md'))
    .sort()
}

/** Reads a `GITHUB_OUTPUT` file as the runner does (`name<<DELIMITER … DELIMITER`). */
export function readGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i])
    outputs[match[1]] = value.join('\n')
  }
  return outputs
}
