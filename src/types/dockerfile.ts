/** A Dockerfile `FROM` instruction that names a base image Scout reported on. */
export interface FromLine {
  /** Relative to the repository root, with forward slashes. */
  path: string
  /** 1-based line of the `FROM` keyword. */
  line: number
  /** A link to the line on GitHub, when the run knows its repository and commit. */
  url?: string
}
