/** The classes of what a move changes (moves.md), and the moves a policy allows. */
export const MOVE_CLASSES = [
  'refresh',
  'runtime-major',
  'runtime-minor',
  'runtime-downgrade',
  'os-family',
  'os-version',
  'variant',
  'floating',
  'unknown'
] as const
export type MoveClass = (typeof MOVE_CLASSES)[number]

/** `moves: compatible`, the default: a refresh, a newer minor runtime, a newer release of the same OS. */
export const COMPATIBLE_MOVES: readonly MoveClass[] = ['refresh', 'runtime-minor', 'os-version']

/** A glob as written, and as the expression it compiles to (`*` does not cross `/`, `**` does). */
export interface Glob {
  glob: string
  pattern: RegExp
}

/** Globs matched against an image, its base (`name:tag`) and an option's tag; every list given must match. */
export interface PolicyMatch {
  images?: Glob[]
  bases?: Glob[]
  tags?: Glob[]
}

/** Where a rule or an ignore entry was written, for the messages about it. */
export interface PolicyPlace {
  file: string
  line: number
}

/** A policy file's rule: the images and bases it matches move by its `moves` (later rules win). */
export interface MoveRule extends Omit<PolicyMatch, 'tags'> {
  moves: MoveClass[]
  place: PolicyPlace
}

/** An option that must not be proposed until a date, and why. */
export interface IgnoreEntry extends PolicyMatch {
  reason: string
  /** The last day it ignores (ISO date, inclusive). */
  until: string
  place: PolicyPlace
}

/** The move policy: the input or the file's `moves`, then the file's rules and ignore entries. */
export interface MovePolicy {
  moves: MoveClass[]
  rules: MoveRule[]
  ignore: IgnoreEntry[]
  /** The day `until` dates are judged against (ISO date, UTC). */
  today: string
}
