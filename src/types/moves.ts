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
