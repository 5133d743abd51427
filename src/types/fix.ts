/** Fix proposals: per base image, the Dockerfile edits that move it to its best allowed move. */
import type { RecommendationEntry } from './entry.js'

/** A Dockerfile as it is, and as the fix leaves it. */
export interface FileFix {
  /** Relative to the workspace, with forward slashes. */
  path: string
  before: string
  after: string
  /** The 1-based lines the fix edits. */
  lines: number[]
  /** The pinned `FROM`s among them, with the new pin from the registry (of the same kind as the old). */
  pins?: NewPin[]
}

/** A pinned `FROM`'s new digest: the new index for an index pin, the same platform's manifest for a platform pin. */
export interface NewPin {
  line: number
  digest: string
  kind: 'index' | 'manifest'
  platform?: string
}

/** One base image's fix: every `FROM` that names it, in every Dockerfile found, moved to one target. */
export interface FixPlan {
  /** The base as the report names it: `node:22-alpine`. */
  base: string
  /** The best allowed move's tag, and the reference it makes: `node:22.14-alpine`. */
  tag: string
  target: string
  kind: 'refresh' | 'update'
  /** The images on this base, the most urgent first (the first is the one the move was chosen for). */
  entries: RecommendationEntry[]
  files: FileFix[]
}

/** A base with an allowed move that is not proposed, and why (a pinned digest, a variable with no default…). */
export interface NotProposed {
  base: string
  reason: string
  path?: string
  line?: number
}

export interface FixProposals {
  plans: FixPlan[]
  notProposed: NotProposed[]
}

/** What the fix pull requests came to, per base. */
export interface FixResult {
  opened: string[]
  updated: string[]
  unchanged: string[]
  /** Bases over `fix-pr-limit`, the most urgent first. */
  waiting: string[]
  declined: string[]
  frozen: string[]
  closed: string[]
  /** Bases not written, each with why (changed on the default branch, refused by GitHub…). */
  skipped: { base: string; reason: string }[]
}
