/** Dockerfiles as the run reads them: their `FROM` lines, and the ones that name a base Scout reported on. */

export interface ImageName {
  /** Registry and path, Docker Hub spelled out: `docker.io/library/node`. */
  repository: string
  /** Absent when only a digest pins the image. */
  tag?: string
  digest?: string
}

export interface FromInstruction {
  /** 1-based line of the `FROM` keyword, also when the instruction continues over several lines. */
  line: number
  /** The stage's position among the file's `FROM`s (0-based), and its `AS` name if any. */
  stage: number
  stageName?: string
  /** The reference as written, variables substituted. */
  reference: string
  image: ImageName
}

export interface Dockerfile {
  /** Relative to the workspace, with forward slashes (what code scanning and annotations want); else absolute. */
  path: string
  /** Outside the workspace (an `IMAGE=PATH` elsewhere): annotated, but no code-scanning result. */
  outside?: true
  froms: FromInstruction[]
}

export interface DockerfileIndex {
  files: Dockerfile[]
  /** Image reference → the workspace-relative path of its Dockerfile (`IMAGE=PATH` lines). */
  mapped: Map<string, string>
}

/** A `FROM` line that names the base image of a report. */
export interface FromLine {
  /** Relative to the repository root, with forward slashes. */
  path: string
  /** 1-based line of the `FROM` keyword. */
  line: number
  /** The stage's `AS` name, else its position (`#0`): with the path and the base, what identifies an alert. */
  stage: string
  /** A link to the line on GitHub, when the run knows its repository and commit. */
  url?: string
  /** Outside the workspace: code scanning cannot place it. */
  outside?: true
}
