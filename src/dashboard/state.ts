/**
 * What the dashboard remembers between runs, kept in its own body as a hidden block: per image, its base,
 * the base's counts and the recommended tags with their counts. Read back, it is untrusted input (anyone
 * with write access can edit the issue): size-capped, checked against its schema, refused whole when wrong.
 */
import * as v from 'valibot'
import { SEVERITIES } from '../types/report.js'
import { check, plainObject, shownText, wholeFrom } from '../util/schema.js'
import { compareCodePoints } from '../util/compare.js'
import { orderForReading, urgency, URGENCIES } from '../verdict/rank.js'
import { baseReference } from '../verdict/entry.js'
import type { RecommendationEntry } from '../types/entry.js'

const MAX_IMAGES = 20_000
const MAX_TAGS = 100
const MAX_TEXT = 512
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/
/** A workflow run id as GitHub gives it. */
export const isRunId = (value: string): boolean => /^\d{1,20}$/.test(value)

/** The saved state's schema, built on first use (a run without a dashboard never needs it). */
function stateSchemas() {
  const text = shownText(MAX_TEXT, `text of at most ${MAX_TEXT} characters`)
  const count = v.pipe(wholeFrom(0, 'a count'), v.maxValue(10_000_000, 'a count'))
  /** `[critical, high, medium, low]`. */
  const CountsSchema = v.tuple([count, count, count, count], 'four counts: critical, high, medium, low')
  // ISO 8601 in UTC only: Date.parse alone takes "2026-11-20 (any text)", and the time is shown.
  const time = v.pipe(
    text,
    v.regex(ISO_TIME, 'a time in ISO 8601, UTC'),
    v.check((value) => !Number.isNaN(Date.parse(value)), 'a time in ISO 8601, UTC')
  )

  const ImageStateSchema = plainObject(
    {
      image: v.pipe(text, v.nonEmpty('an image reference')),
      base: text,
      urgency: v.picklist(URGENCIES, `one of ${URGENCIES.join(', ')}`),
      counts: v.optional(CountsSchema),
      /** Recommended tags: tag, kind, and the tag's counts. */
      tags: v.pipe(
        v.array(
          v.tuple([text, v.picklist(['refresh', 'update'], 'refresh or update'), count, count, count, count], '[tag, kind, four counts]'),
          'a list of tags'
        ),
        v.maxLength(MAX_TAGS, `at most ${MAX_TAGS} tags`)
      ),
      /** The tags the move policy allowed (absent in states written before the policy). */
      allowed: v.optional(v.pipe(v.array(text, 'a list of tags'), v.maxLength(MAX_TAGS, `at most ${MAX_TAGS} tags`)))
    },
    'an image state'
  )

  const imageList = v.pipe(v.array(ImageStateSchema, 'a list of image states'), v.maxLength(MAX_IMAGES, `at most ${MAX_IMAGES} images`))

  const DashboardStateSchema = plainObject(
    {
      /** When the scan ran (ISO 8601). */
      at: time,
      /** Set when only the most urgent images fit: the next comparison cannot tell who joined. */
      partial: v.optional(v.boolean('true or false')),
      images: imageList,
      /** The workflow run that wrote it (`GITHUB_RUN_ID`): a re-run of that run compares with its basis. */
      run: v.optional(v.pipe(text, v.check(isRunId, 'a run id'))),
      /** What the run compared with, kept as its difference from `images` so it stays small. */
      basis: v.optional(
        plainObject(
          {
            at: time,
            partial: v.optional(v.boolean('true or false')),
            /** The basis's entries that differ from `images`, or are not in it (they left). */
            changed: imageList,
            /** Images of `images` the basis did not have (they joined). */
            absent: v.pipe(v.array(text, 'a list of image references'), v.maxLength(MAX_IMAGES, `at most ${MAX_IMAGES} images`))
          },
          'an object { at, changed, absent }'
        )
      )
    },
    'an object'
  )
  return { counts: CountsSchema, image: ImageStateSchema, state: DashboardStateSchema }
}
type StateSchemas = ReturnType<typeof stateSchemas>
let schemas: StateSchemas | undefined

/** `[critical, high, medium, low]`. */
type Counts = v.InferOutput<StateSchemas['counts']>
export type ImageState = v.InferOutput<StateSchemas['image']>
export type DashboardState = v.InferOutput<StateSchemas['state']>

const PREFIX = '<!-- scout-graph-action:state v1 '
const BLOCK = new RegExp(`^${PREFIX}([A-Za-z0-9_-]*) -->$`)
/** The longest state block read back; a longer one is refused, unread. */
export const MAX_STATE_CHARS = 40_000

const countsOf = (counts: Record<(typeof SEVERITIES)[number], number>): Counts => SEVERITIES.map((s) => counts[s]) as Counts

export function stateOf(entries: readonly RecommendationEntry[], at: string): DashboardState {
  const seen = new Set<string>()
  const images: ImageState[] = []
  // Reading order, so a partial state keeps the most urgent; one state per image name.
  for (const entry of orderForReading(entries)) {
    if (seen.has(entry.image)) continue
    seen.add(entry.image)
    const vulnerabilities = entry.baseImage?.vulnerabilities
    images.push({
      image: entry.image,
      base: baseReference(entry),
      urgency: urgency(entry),
      ...(vulnerabilities ? { counts: countsOf(vulnerabilities) } : {}),
      tags: entry.recommendations.map((option) => [option.tag, option.kind, ...countsOf(option.vulnerabilities)]),
      allowed: entry.recommendations.filter((option) => option.allowed).map((option) => option.tag)
    })
  }
  return { at, images }
}

const byImage = (a: ImageState, b: ImageState) => compareCodePoints(a.image, b.image)

/** `state` with `basis`, the state it was compared with, kept as a difference. */
export function withBasis(state: DashboardState, basis: DashboardState): DashboardState {
  const current = new Map(state.images.map((image) => [image.image, JSON.stringify(image)]))
  const before = new Set(basis.images.map((image) => image.image))
  return {
    ...state,
    basis: {
      at: basis.at,
      ...(basis.partial ? { partial: true } : {}),
      // Sorted, so a basis read back in another order is kept the same way.
      changed: basis.images.filter((image) => current.get(image.image) !== JSON.stringify(image)).sort(byImage),
      absent: state.images
        .filter((image) => !before.has(image.image))
        .map((image) => image.image)
        .sort(compareCodePoints)
    }
  }
}

/** The state a run compared with, rebuilt from the state it wrote; none when it had nothing to compare with. */
export function basisOf(state: DashboardState): DashboardState | undefined {
  if (state.basis === undefined) return undefined
  const { at, partial, changed, absent } = state.basis
  const replaced = new Map(changed.map((image) => [image.image, image]))
  const joined = new Set(absent)
  const listed = new Set(state.images.map((image) => image.image))
  const images = [
    ...state.images.filter((image) => !joined.has(image.image)).map((image) => replaced.get(image.image) ?? image),
    ...changed.filter((image) => !listed.has(image.image))
  ]
  return { at, ...(partial ? { partial } : {}), images }
}

export function encodeState(state: DashboardState): string {
  return `${PREFIX}${Buffer.from(JSON.stringify(state)).toString('base64url')} -->`
}

export type ReadState = { state: DashboardState } | { error: string } | { none: true }

/** The state kept in a dashboard body: `none` on a first run, `error` when it cannot be trusted. */
export function readState(body: string): ReadState {
  const start = body.indexOf(PREFIX)
  if (start < 0) return { none: true }
  const end = body.indexOf(' -->', start)
  if (end < 0 || end - start > MAX_STATE_CHARS) return { error: `the saved state is cut or over ${MAX_STATE_CHARS} characters` }
  const match = BLOCK.exec(body.slice(start, end + 4))
  if (!match) return { error: 'the saved state is not in its format' }
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8'))
  } catch {
    return { error: 'the saved state is not valid JSON' }
  }
  const checked = check((schemas ??= stateSchemas()).state, value)
  return 'problem' in checked ? { error: `the saved state is invalid: ${checked.problem}` } : { state: checked.value }
}

export interface DashboardChanges {
  /** Images that should move now and did not before. */
  nowUrgent: string[]
  /** Per image: tags recommended now and not before, and the other way round (same base). */
  newTags: { image: string; base: string; tags: string[] }[]
  goneTags: { image: string; base: string; tags: string[] }[]
  /** Per image: tags recommended before and now, that the move policy allows now and did not then. */
  newlyAllowed: { image: string; base: string; tags: string[] }[]
  /** Images whose base changed (moved, or rebuilt on another). */
  moved: { image: string; from: string; to: string }[]
  joined: string[]
  left: string[]
  /** Images whose base's counts rose, per severity that rose. */
  rose: { image: string; base: string; rises: string[] }[]
}

export function compareStates(previous: DashboardState, current: DashboardState): DashboardChanges {
  const before = new Map(previous.images.map((image) => [image.image, image]))
  const now = new Map(current.images.map((image) => [image.image, image]))
  const changes: DashboardChanges = {
    nowUrgent: [],
    newTags: [],
    goneTags: [],
    newlyAllowed: [],
    moved: [],
    joined: [],
    left: [],
    rose: []
  }
  for (const image of current.images) {
    const old = before.get(image.image)
    if (old === undefined) {
      // A partial state does not list everyone: an image missing from it may have been there.
      if (!previous.partial) changes.joined.push(image.image)
      continue
    }
    if (image.urgency === 'now' && old.urgency !== 'now') changes.nowUrgent.push(image.image)
    if (old.base !== image.base) {
      changes.moved.push({ image: image.image, from: old.base, to: image.base })
      continue
    }
    const oldTags = new Set(old.tags.map(([tag]) => tag))
    const newTags = new Set(image.tags.map(([tag]) => tag))
    const gained = [...newTags].filter((tag) => !oldTags.has(tag))
    const lost = [...oldTags].filter((tag) => !newTags.has(tag))
    if (gained.length > 0) changes.newTags.push({ image: image.image, base: image.base, tags: gained })
    if (lost.length > 0) changes.goneTags.push({ image: image.image, base: image.base, tags: lost })
    // A state from before the policy does not say what was allowed: nothing is news then.
    if (old.allowed && image.allowed) {
      const wasAllowed = new Set(old.allowed)
      const allowed = image.allowed.filter((tag) => oldTags.has(tag) && !wasAllowed.has(tag))
      if (allowed.length > 0) changes.newlyAllowed.push({ image: image.image, base: image.base, tags: allowed })
    }
    if (old.counts && image.counts) {
      const rises = SEVERITIES.flatMap((severity, i) =>
        (image.counts as Counts)[i] > (old.counts as Counts)[i]
          ? [`${severity} ${(old.counts as Counts)[i]} → ${(image.counts as Counts)[i]}`]
          : []
      )
      if (rises.length > 0) changes.rose.push({ image: image.image, base: image.base, rises })
    }
  }
  for (const image of [...previous.images].sort(byImage)) if (!now.has(image.image)) changes.left.push(image.image)
  return changes
}
