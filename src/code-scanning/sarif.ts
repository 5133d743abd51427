/**
 * SARIF 2.1.0 for GitHub code scanning: one result per Dockerfile `FROM` line that names a base image
 * Scout would move, so each recommendation is an alert on the line where the fix goes. An alert keeps
 * its identity (rule, and `primaryLocationLineHash` from the file, stage and base image) across runs,
 * whatever the line number or the counts, and closes itself when a run no longer reports it.
 */
import { createHash } from 'node:crypto'
import type { Log, ReportingDescriptor, Result } from 'sarif'
import type { FromLine } from '../types/dockerfile.js'
import type { RecommendationKind } from '../types/report.js'
import { VERSION } from '../version.js'
import { biggerNote, describeNet, PLAIN, someOf } from '../verdict/wording.js'
import { bestOption, optionReference, optionsBestFirst, orderForReading, urgency, type Option } from '../verdict/rank.js'
import { baseReference, isOutdated } from '../verdict/entry.js'
import type { RecommendationEntry } from '../types/entry.js'

/** GitHub keeps the first 5,000 results of a run (by severity); more are dropped. */
export const MAX_RESULTS = 5_000
/** GitHub refuses a SARIF upload over 10 MB (compressed); stay under it uncompressed. */
export const MAX_BYTES = 10_000_000
const IMAGES_NAMED = 5

function rule(id: string, name: string, short: string, full: string, help: string, helpMarkdown: string): ReportingDescriptor {
  return {
    id,
    name,
    shortDescription: { text: short },
    fullDescription: { text: full },
    help: { text: help, markdown: helpMarkdown },
    defaultConfiguration: { level: 'warning' },
    // GitHub reads a severity only from the rule, and only with the security tag.
    properties: { tags: ['security', 'container', 'base-image'], precision: 'high', 'security-severity': '5.0' }
  }
}

const RULES: Record<RecommendationKind, ReportingDescriptor> = {
  refresh: rule(
    'scout-graph/base-image-refresh',
    'BaseImageRefresh',
    'A newer build of this base image tag removes vulnerabilities',
    'Docker Scout found a newer image behind the same base image tag. Rebuilding pulls it and removes the vulnerabilities the old build carries.',
    'Rebuild the image (with --pull, or without cache) so that it is built on the newest image of this tag. Pin the new digest if the FROM line pins one.',
    'Rebuild the image with `docker build --pull` (or without cache) so the `FROM` line resolves to the newest image of its tag. If the line pins a digest (`@sha256:…`), update the digest.'
  ),
  update: rule(
    'scout-graph/base-image-update',
    'BaseImageUpdate',
    'Another tag of this base image removes vulnerabilities',
    'Docker Scout recommends moving this FROM line to another tag of the base image, which removes vulnerabilities; the message lists each recommended tag with what it removes and adds.',
    'Change the FROM line to the recommended tag, rebuild and test. The message lists every recommended tag, the best first, with what it removes and what it adds.',
    'Change the `FROM` line to the recommended tag, rebuild and test. The alert message lists every recommended tag, the best first, with the vulnerabilities it removes and any it adds. The alert closes itself when a scan no longer recommends a move for this line.'
  )
}

/** SARIF message text is plain, but brackets would start an embedded link: escaped. */
const plain = (text: string) => text.replace(/\p{Cc}+/gu, ' ').replace(/[[\]\\]/g, '\\$&')

function optionText(entry: RecommendationEntry, option: Option): string {
  const { removes, adds } = describeNet(entry, option, PLAIN)
  const move = option.kind === 'refresh' ? `rebuild on a newer ${optionReference(entry, option)}` : optionReference(entry, option)
  return `${move}${biggerNote(entry, option)} removes ${removes}${adds ? ` and adds ${adds}` : ''}`
}

function message(lead: RecommendationEntry, images: readonly string[], pin: string | undefined): string {
  const [best, ...others] = optionsBestFirst(lead)
  return plain(
    `Base image ${baseReference(lead)} (of ${someOf(images, IMAGES_NAMED)}) should move. Best: ${optionText(lead, best)}.` +
      (pin ? ` This line is pinned: it moves to ${pin}.` : '') +
      (others.length > 0 ? ` Other options: ${others.map((option) => optionText(lead, option)).join('; ')}.` : '')
  )
}

const LEVELS = { now: 'error', may: 'warning' } as const

/** The alert's identity: file, stage and base image; not the line, not the counts. */
function fingerprint(from: FromLine, base: string): string {
  return `${createHash('sha256')
    .update(JSON.stringify([from.path, from.stage, base]))
    .digest('hex')
    .slice(0, 32)}:1`
}

export interface SarifLog {
  log: Log
  /** Results left out for GitHub's limits (most urgent kept). */
  dropped: number
}

/** `pins`: for a pinned line (`path\nline`), the reference with its new digest, from the registry. */
export function buildSarif(
  located: ReadonlyMap<RecommendationEntry, readonly FromLine[]>,
  pins: ReadonlyMap<string, string> = new Map()
): SarifLog {
  // One result per line: the most urgent report on that base leads, the others are named.
  const byLine = new Map<string, { from: FromLine; lead: RecommendationEntry; kind: RecommendationKind; images: string[] }>()
  // Only images with a move to recommend make alerts, whatever the caller passes.
  for (const entry of orderForReading([...located.keys()]).filter(isOutdated)) {
    for (const from of (located.get(entry) ?? []).filter((line) => !line.outside)) {
      const key = `${from.path}\n${from.line}`
      const seen = byLine.get(key)
      if (seen === undefined) byLine.set(key, { from, lead: entry, kind: (bestOption(entry) as Option).kind, images: [entry.image] })
      else if (!seen.images.includes(entry.image)) seen.images.push(entry.image)
    }
  }
  const kinds = [...new Set([...byLine.values()].map(({ kind }) => kind))].sort()
  const rules = kinds.map((kind) => RULES[kind])
  const results: Result[] = [...byLine.values()].map(({ from, lead, kind, images }) => {
    const level = urgency(lead)
    return {
      ruleId: RULES[kind].id,
      ruleIndex: kinds.indexOf(kind),
      level: level === 'now' || level === 'may' ? LEVELS[level] : 'note',
      message: { text: message(lead, images, pins.get(`${from.path}\n${from.line}`)) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: from.path.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
            region: { startLine: from.line }
          }
        }
      ],
      partialFingerprints: { primaryLocationLineHash: fingerprint(from, baseReference(lead)) }
    }
  })
  const log = (kept: Result[]): Log => ({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'scout-graph-action', semanticVersion: VERSION, rules } }, results: kept }]
  })
  let kept = results.slice(0, MAX_RESULTS)
  while (kept.length > 0 && Buffer.byteLength(JSON.stringify(log(kept))) > MAX_BYTES) kept = kept.slice(0, Math.floor(kept.length * 0.9))
  return { log: log(kept), dropped: results.length - kept.length }
}
