/**
 * The validated settings, as shapes only: the settings builder (src/settings/) makes them, and each
 * stage takes its own slice. Imports nothing of the project outside `types/`.
 */
import type { MovePolicy } from './moves.js'

export const FAIL_RULES = ['error', 'outdated', 'fixable-critical', 'fixable-high', 'fixable-medium', 'fixable-low'] as const
export type FailRule = (typeof FAIL_RULES)[number]
export type CommentMode = 'auto' | 'always' | 'never'
export type GraphMode = 'cartography' | 'extended'

export interface Shard {
  index: number
  count: number
}

export interface GithubContext {
  apiUrl: string
  serverUrl: string
  /** `owner/name`, when on a runner. */
  repository?: string
  runId?: string
  runAttempt?: string
  workflow?: string
  job?: string
  /** The pull request this run belongs to, if any. */
  pullRequest?: number
  /** The pull request comes from a fork: its token cannot write to this repository. */
  fromFork?: boolean
  /** The commit the run checked out (`GITHUB_SHA`), for links to Dockerfile lines. */
  sha?: string
  /** Whether the runner's artifact service can be reached (it cannot off GitHub). */
  artifactService: boolean
}

/** Where the Scout CLI comes from when `docker scout` is missing. */
export interface ScoutSource {
  version: string
  /** Where releases live: GitHub, or a mirror (`SCOUT_GRAPH_RELEASES_URL`). */
  releasesUrl: string
  githubToken?: string
}

export interface ScanSettings {
  platform?: string
  tag?: string
  org?: string
  onlyRefresh: boolean
  onlyUpdate: boolean
  concurrency: number
  timeoutSeconds: number
  retries: number
  scout: ScoutSource
  /** Given to the scout process through its environment only. */
  credentials: Record<string, string>
  /** Where Scout's SBOM cache is kept between runs (the CLI's `--cache-dir`, or the Actions cache's folder); else a fresh one per run. */
  cacheDir?: string
  /** What a kept cache keeps: entries unused this run and older than `maxAgeDays` go, then the oldest past `maxMb`. */
  cacheLimits: { maxAgeDays: number; maxMb: number }
  /** Set with `cache: true` on a runner: the Actions cache keeps the Scout CLI and `cacheDir` between runs. */
  actionsCache?: ActionsCacheSettings
}

/**
 * The folder in the workspace where the Actions cache keeps Scout's cache. `@actions/cache` keys a save by
 * its paths as given, and only a path inside the workspace can be given relative to it, which names the
 * same folder from run to run even where the workspace moves (act gives each run a new one).
 */
export const KEPT_SCOUT_CACHE = '.scout-graph-cache'

/**
 * The keys of this leg's Scout cache in the Actions cache. A key cannot be overwritten, so each run saves
 * under its own (`saveKey`) and restores the newest earlier save of the same workflow, job, step and leg.
 */
export interface ActionsCacheSettings {
  /** `scout-graph-sbom-<platform>-<arch>-<workflow>-<job>-<step>-[<shard>-]<leg>-`: what every save of this leg starts with. */
  restorePrefix: string
  /** `restorePrefix` + run id and attempt. */
  saveKey: string
  /** False on pull-request runs: they restore but never save, so a pull request cannot seed the cache. */
  save: boolean
}

/** What the scan stage needs, and nothing more. */
export interface ScanJob {
  images: readonly string[]
  outputDir: string
  scan: ScanSettings
}

export interface Neo4jSettings {
  uri: string
  user: string
  password: string
  database?: string
  cleanup: boolean
  /** How long the driver keeps retrying a transaction on transient errors (deadlocks, leader changes, lost connections). */
  retrySeconds: number
}

export interface S3Settings {
  bucket: string
  /** Empty, or ending in `/`: Cartography matches keys by plain prefix, so `reports` would also take `reports-old/`. */
  prefix: string
  prune: boolean
  /** `AWS_S3_FORCE_PATH_STYLE=true`, for S3-compatible stores (with `AWS_ENDPOINT_URL_S3`). */
  forcePathStyle: boolean
}

/** In the last job of a matrix: what the legs' manifests say. */
export interface LegsPlan {
  /** The report files of the chosen legs. */
  reportFiles: string[]
  /** The image each of those files is the report of (its Target may name it differently). */
  reportImages: Map<string, string>
  /** Images the legs could not scan, with the cause. */
  failed: { image: string; error: string }[]
  noBaseImage: string[]
  /** Why cleanup (or s3-prune) must not run; empty when every leg is there and clean. */
  blockers: string[]
  /** One line per leg taken, for the log. */
  taken: string[]
  /** The folder of every manifest read, superseded attempts included. */
  folders: string[]
}

export interface Settings {
  /** The references this job scans: de-duplicated, in the order given, after sharding. */
  images: string[]
  shard?: Shard
  /** Existing report files to ingest: matched from the `reports` patterns, and the reports of the `legs`. */
  reportFiles: string[]
  /**
   * The folders `reports` names (each pattern's part before its first wildcard): a report read below one
   * keeps its path below it, as Cartography reading that folder names it.
   */
  reportFolders: string[]
  legs?: LegsPlan
  outputDir: string
  graphFile: string
  graphMode: GraphMode
  updateTag: number
  /** Set when `neo4j-uri` is: where the graph is pushed. */
  neo4j?: Neo4jSettings
  /** Set when `s3-uri` is: where the reports are left for Cartography. */
  s3?: S3Settings
  scan: ScanSettings
  summary: boolean
  comment: CommentMode
  /** With workflow and job, what keys the sticky comment when there is no shard (the job's matrix values). */
  commentKey: string
  githubToken?: string
  /** The run this step belongs to, from the runner's environment (empty off GitHub). */
  github: GithubContext
  uploadArtifact: boolean
  artifactName?: string
  artifactRetentionDays?: number
  failOn: FailRule[]
  /** Which moves may be proposed (`moves`, `policy-file`); a move it does not allow is a bigger move. */
  movePolicy: MovePolicy
  /** Where to look for Dockerfiles; absent with `dockerfiles: none`. */
  dockerfiles?: DockerfileSettings
  /** Where the SARIF file goes when a Dockerfile was found. */
  sarifFile: string
  /** Set with `dashboard: true`: the title of the dashboard issue to keep up to date. */
  dashboard?: { title: string }
  /** Where the fix patch goes (`<output-dir>/fix.patch`; the CLI's `--fix-patch`). */
  fixPatchFile: string
  /** Set with `fix-prs: true`: one pull request per base with an allowed best move. */
  fixPrs?: FixPrSettings
  /** Where Docker Hub's images are looked up for pinned digests: its registry, or a mirror (`SCOUT_GRAPH_HUB_REGISTRY`). */
  hubRegistry: string
  /** `auto`: on pull-request runs, one review of suggestions on the FROM lines in the diff; `never`. */
  suggestions: 'auto' | 'never'
}

export interface FixPrSettings {
  /** Fix pull requests open at once, the most urgent first. */
  limit: number
  labels: string[]
  /** The token for the fix pull requests' writes (`fix-pr-token`), when not `github-token`. */
  token?: string
}

export interface DockerfileSettings {
  /** Image reference → its Dockerfile, relative to `root` (`IMAGE=PATH` lines). */
  mapped: Map<string, string>
  /** Glob patterns of further Dockerfiles, relative to `root`. */
  patterns: string[]
  /** Every file named like a Dockerfile under `root`, but not in `.git` or `node_modules`. */
  auto: boolean
  /** The repository root: `GITHUB_WORKSPACE`, or the working directory off GitHub. */
  root: string
}
