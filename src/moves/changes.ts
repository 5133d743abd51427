/**
 * What a move changes: each option against the current base, as the classes of moves.md. The facts come
 * from the report (the base's rows, the option's `Image details` bullets and benefits) and from its tags,
 * read as Docker tags are written (`<version>[-<suffix>]`: `22.14-alpine3.21`, `3.13-slim-bookworm`); where
 * neither tells, the class is `unknown`, never a guess. A version both a tag and a detail give is taken from
 * the tag when they disagree: the tag is what a `FROM` line pins (Scout's `Runtime` bullet is often an older
 * build's, `20-alpine3.18` with `Runtime: 19`).
 */
import { MOVE_CLASSES, type MoveClass } from '../types/moves.js'
import type { BaseImage, Recommendation } from '../types/report.js'

/** What one side of a move is, as far as the report tells. */
export interface MoveFacts {
  /** The runtime version the tags name (the tag itself, else a tag naming the same image). */
  tagRuntime?: string
  /** The runtime version the report's `Runtime` row or bullet names. */
  detailRuntime?: string
  /** The one shown: the tags', else the details'. */
  runtime?: string
  os?: string
  osVersion?: string
  slim: boolean
  /** Whether its tag names a version (`22-slim`, `3.13`), unlike `slim`, `latest` or `lts-alpine`. */
  versioned: boolean
}

const DEBIAN = new Map([
  ['stretch', '9'],
  ['buster', '10'],
  ['bullseye', '11'],
  ['bookworm', '12'],
  ['trixie', '13'],
  ['forky', '14']
])
const UBUNTU = new Map([
  ['bionic', '18.04'],
  ['focal', '20.04'],
  ['jammy', '22.04'],
  ['noble', '24.04']
])
/** Repositories whose tag version is the OS release itself, not a runtime's. */
const OS_IMAGES = new Set(['alpine', 'debian', 'ubuntu'])
const VERSION = /^v?(\d+(?:\.\d+)*)/

const words = (tag: string) => tag.toLowerCase().split(/[-_]/)
const tagVersion = (tag: string) => VERSION.exec(tag)?.[1]
const SLIM_WORD = /(?:^|[-_])slim(?:[-_]|$)/i

/** The OS a tag names: `alpine3.21`, a Debian or Ubuntu release name. */
function osOfTag(tag: string): { os: string; version?: string } | undefined {
  for (const word of words(tag)) {
    const alpine = /^alpine(\d+(?:\.\d+)*)?$/.exec(word)
    if (alpine) return { os: 'alpine', ...(alpine[1] ? { version: alpine[1] } : {}) }
    if (DEBIAN.has(word)) return { os: 'debian', version: DEBIAN.get(word) as string }
    if (UBUNTU.has(word)) return { os: 'ubuntu', version: UBUNTU.get(word) as string }
  }
  return undefined
}

/** Two versions agree when one is the other or a more precise form of it (`22` and `22.14.0`). */
const agree = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || b.startsWith(`${a}.`)
const longer = (a: string, b: string) => (a.length >= b.length ? a : b)

/**
 * The facts of one side: its tag first for versions (and the other tags naming the same image, for what the
 * tag leaves out), its report fields for the rest.
 */
export function factsOf(
  repository: string,
  tag: string,
  otherTags: readonly string[],
  details: DetailsLike,
  benefits: readonly string[] = []
): MoveFacts {
  const isOsImage = OS_IMAGES.has(repository.split('/').at(-1) ?? '')
  const all = [tag, ...otherTags]
  // The tag's own version; else the most precise version of the other tags that carry the same suffix words.
  const own = tagVersion(tag)
  // Each tag's version read once: a report lists a dozen aliases per option.
  let tagged = own
  for (const other of otherTags) {
    const version = tagVersion(other)
    if (version !== undefined && (own === undefined || agree(version, own))) tagged = tagged ? longer(tagged, version) : version
  }
  const tagRuntime = isOsImage ? undefined : tagged
  const detailRuntime = isOsImage ? undefined : details.runtime
  // The more precise of the two when they agree; the tag's when they do not.
  const runtime =
    tagRuntime !== undefined && detailRuntime !== undefined && agree(tagRuntime, detailRuntime)
      ? longer(tagRuntime, detailRuntime)
      : (tagRuntime ?? detailRuntime)
  let fromTags: ReturnType<typeof osOfTag>
  for (const name of all) if ((fromTags = osOfTag(name))) break
  const flavor = details.flavor?.toLowerCase()
  const os = isOsImage ? (repository.split('/').at(-1) as string) : (flavor ?? fromTags?.os)
  const taggedOs = isOsImage ? (tagged ?? fromTags?.version) : fromTags?.os === os ? fromTags?.version : undefined
  // As for the runtime: the more precise when the tag and the OS row agree (`3` and `3.19.1`), else the tag's.
  const osVersion =
    taggedOs !== undefined && details.osVersion !== undefined && agree(taggedOs, details.osVersion)
      ? longer(taggedOs, details.osVersion)
      : (taggedOs ?? details.osVersion)
  const slim =
    details.slim === '✓' ||
    details.slim === 'v' ||
    all.some((name) => SLIM_WORD.test(name)) ||
    benefits.includes('Tag is using slim variant')
  return {
    ...(tagRuntime !== undefined ? { tagRuntime } : {}),
    ...(detailRuntime !== undefined ? { detailRuntime } : {}),
    ...(runtime !== undefined ? { runtime } : {}),
    ...(os !== undefined ? { os } : {}),
    ...(osVersion !== undefined ? { osVersion } : {}),
    slim,
    versioned: own !== undefined
  }
}

interface DetailsLike {
  runtime?: string | undefined
  flavor?: string | undefined
  osVersion?: string | undefined
  slim?: string | undefined
}

export function baseFacts(base: BaseImage): MoveFacts {
  return factsOf(base.name, base.tag, base.supportedTags, base)
}

export function optionFacts(base: BaseImage, option: Recommendation): MoveFacts {
  return factsOf(base.name, option.tag, option.aliases, option, option.benefits)
}

/** -1, 0 or 1 by the first component that differs among those both name; undefined when one names none. */
function compareVersions(a: string, b: string): { at: number; sign: number } | undefined {
  const left = a.split('.').map(Number)
  const right = b.split('.').map(Number)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return { at: i, sign: Math.sign(right[i] - left[i]) }
  }
  return { at: -1, sign: 0 }
}

/** The classes that apply to moving from `from` to `to`, in the order of moves.md. */
export function classify(kind: Recommendation['kind'], from: MoveFacts, to: MoveFacts): MoveClass[] {
  if (kind === 'refresh') return ['refresh']
  const classes = new Set<MoveClass>()
  // Like with like: the tags' versions when both sides have them, else the details', else what there is.
  const pair: [string | undefined, string | undefined] =
    from.tagRuntime !== undefined && to.tagRuntime !== undefined
      ? [from.runtime, to.runtime]
      : from.detailRuntime !== undefined && to.detailRuntime !== undefined
        ? [from.detailRuntime, to.detailRuntime]
        : [from.runtime, to.runtime]
  const [fromRuntime, toRuntime] = pair
  if (fromRuntime !== undefined && toRuntime !== undefined) {
    const step = compareVersions(fromRuntime, toRuntime)
    if (step && step.sign < 0) classes.add('runtime-downgrade')
    else if (step && step.sign > 0) classes.add(step.at === 0 ? 'runtime-major' : 'runtime-minor')
  } else if ((fromRuntime === undefined) !== (toRuntime === undefined)) classes.add('unknown')
  if (from.os !== undefined && to.os !== undefined) {
    if (from.os !== to.os) classes.add('os-family')
    else if (from.osVersion !== undefined && to.osVersion !== undefined && !agree(from.osVersion, to.osVersion)) classes.add('os-version')
    else if ((from.osVersion === undefined) !== (to.osVersion === undefined)) classes.add('unknown')
  } else if ((from.os === undefined) !== (to.os === undefined)) classes.add('unknown')
  if (from.slim !== to.slim) classes.add('variant')
  if (from.versioned && !to.versioned) classes.add('floating')
  return MOVE_CLASSES.filter((name) => classes.has(name))
}

const titled = (name: string) => name.charAt(0).toUpperCase() + name.slice(1)
const side = (os: string | undefined, version: string | undefined) => [os ? titled(os) : 'an unknown OS', version].filter(Boolean).join(' ')

/** Each class of a move in words: "Node 22 → 23", "Alpine 3.20 → Debian 12", "slim variant", "floating tag". */
export function describeChanges(repository: string, classes: readonly MoveClass[], from: MoveFacts, to: MoveFacts): string[] {
  const runtimeName = titled(repository.split('/').at(-1) ?? 'runtime')
  return classes.map((name) => {
    switch (name) {
      case 'refresh':
        return 'the same tag, a newer build'
      // A class kept in the JSON may come without the details it was read from: then the class is said.
      case 'runtime-major':
      case 'runtime-minor':
        return from.runtime && to.runtime
          ? `${runtimeName} ${from.runtime} → ${to.runtime}`
          : `a newer ${name.slice(8)} ${runtimeName} version`
      case 'runtime-downgrade':
        return from.runtime && to.runtime ? `${runtimeName} ${from.runtime} → ${to.runtime} (older)` : `an older ${runtimeName} version`
      case 'os-family':
        return from.os && to.os ? `${side(from.os, from.osVersion)} → ${side(to.os, to.osVersion)}` : 'another OS'
      case 'os-version':
        return from.os && to.osVersion ? `${side(from.os, from.osVersion)} → ${to.osVersion}` : 'another release of the OS'
      case 'variant':
        return to.slim ? 'slim variant' : 'full variant (not slim)'
      case 'floating':
        return 'floating tag'
      case 'unknown':
        return 'some of what it changes is not in the report'
    }
  })
}
