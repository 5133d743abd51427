/**
 * Turns parsed reports into the graph delta: the nodes, relationships and BUILT_ON links a push
 * writes, exactly as Cartography's transform and load produce them, merged over many reports.
 */
import { compareCodePoints } from '../util/compare.js'
import type { BaseImage, ParsedReport } from '../types/report.js'
import type { GraphMode } from '../types/settings.js'
import {
  BUILT_FROM_SCHEMA,
  IMAGE_LINK,
  MODULE_NAME,
  PUBLIC_IMAGE_SCHEMA,
  PUBLIC_IMAGE_TAG_SCHEMA,
  SCANNED_IMAGE_SCHEMA,
  SCOUT_BUILT_ON_SCHEMA,
  SHOULD_UPDATE_TO_SCHEMA,
  inMode,
  propertiesOf,
  type NodeLabel,
  type NodeSchema,
  type Properties,
  type RelationshipSchema,
  type RelationshipType,
  type TagSource
} from './schema.js'

export type { Properties, PropertyValue } from './schema.js'

export interface NodeRef {
  label: NodeLabel
  id: string
}

export interface GraphNode extends NodeRef {
  properties: Properties
}

export interface GraphRelationship {
  type: RelationshipType
  from: NodeRef
  to: NodeRef
  properties: Properties
}

export interface ImageLink {
  type: typeof IMAGE_LINK.type
  digestPrefix: string
  to: NodeRef
  properties: Properties
}

export type ReportOutcome = 'parsed' | 'skipped' | 'failed'

export interface ReportEntry {
  source: string
  status: ReportOutcome
  reason?: string
}

export interface GraphDelta {
  schema: typeof MODULE_NAME
  mode: GraphMode
  updateTag: number
  nodes: GraphNode[]
  relationships: GraphRelationship[]
  imageLinks: ImageLink[]
  reports: ReportEntry[]
}

export interface IngestedReport {
  source: string
  parsed: ParsedReport
}

export function reportOutcome(parsed: ParsedReport): ReportOutcome {
  if (parsed.status === 'report') return 'parsed'
  return parsed.status === 'undecodable' || parsed.status === 'incomplete' || parsed.status === 'scout-error' ? 'failed' : 'skipped'
}

/**
 * Reports apply in code-point order of their source names: a later report overwrites the properties
 * of a node or relationship it shares with an earlier one; relationships accumulate.
 */
export function buildDelta(reports: readonly IngestedReport[], mode: GraphMode, updateTag: number): GraphDelta {
  const nodes = new Map<string, GraphNode>()
  const relationships = new Map<string, GraphRelationship>()
  const links = new Map<string, ImageLink>()
  const ordered = [...reports].sort((a, b) => compareCodePoints(a.source, b.source))

  for (const { parsed } of ordered) {
    if (parsed.status !== 'report' || parsed.base === undefined) continue
    const writes = reportWrites(parsed, parsed.base, mode)
    for (const node of writes.nodes) nodes.set(key(node), node)
    for (const rel of writes.relationships) relationships.set(`${rel.type} ${key(rel.from)} ${key(rel.to)}`, rel)
    for (const link of writes.imageLinks) links.set(`${link.digestPrefix} ${key(link.to)}`, link)
  }

  return {
    schema: MODULE_NAME,
    mode,
    updateTag,
    nodes: [...nodes.values()].sort((a, b) => compareRefs(a, b)),
    relationships: [...relationships.values()].sort(
      (a, b) => compareCodePoints(a.type, b.type) || compareRefs(a.from, b.from) || compareRefs(a.to, b.to)
    ),
    imageLinks: [...links.values()].sort((a, b) => compareCodePoints(a.digestPrefix, b.digestPrefix) || compareRefs(a.to, b.to)),
    reports: ordered.map(({ source, parsed }) => ({
      source,
      status: reportOutcome(parsed),
      ...(parsed.reason !== undefined ? { reason: parsed.reason } : {})
    }))
  }
}

/** The delta as written to `graph-file`: the same bytes for the same reports. */
export function serializeDelta(delta: GraphDelta): string {
  return `${JSON.stringify(delta, null, 2)}\n`
}

interface ReportWrites {
  nodes: GraphNode[]
  relationships: GraphRelationship[]
  imageLinks: ImageLink[]
}

/** Everything one report writes in a mode: each element from its schema and the part of the report it reads. */
function reportWrites(report: ParsedReport, base: BaseImage, mode: GraphMode): ReportWrites {
  const nodes: GraphNode[] = []
  const relationships: GraphRelationship[] = []
  const node = <Source>(schema: NodeSchema<Source>, id: string, source: Source): NodeRef => {
    const ref: NodeRef = { label: schema.label, id }
    if (inMode(schema, mode)) nodes.push({ ...ref, properties: propertiesOf(schema, source, mode) })
    return ref
  }
  const relationship = <Source>(schema: RelationshipSchema<Source>, from: NodeRef, to: NodeRef, source: Source): void => {
    if (inMode(schema, mode)) relationships.push({ type: schema.type, from, to, properties: propertiesOf(schema, source, mode) })
  }

  const publicImage = node(PUBLIC_IMAGE_SCHEMA, `${base.name}:${base.tag}`, { base })
  // Cartography makes each tag's properties canonical: the base's values win for its own tag, and
  // alias lists are merged (an empty merged list is dropped, but the base keeps its `[]`).
  let baseAliases = base.supportedTags
  let baseMergedWithRefresh = false
  for (const recommendation of report.recommendations) {
    const id = `${base.name}:${recommendation.tag}`
    let tag: NodeRef
    if (id === publicImage.id) {
      baseAliases = unique([...baseAliases, ...recommendation.aliases])
      baseMergedWithRefresh = true
      tag = { label: PUBLIC_IMAGE_TAG_SCHEMA.label, id }
    } else {
      tag = node(PUBLIC_IMAGE_TAG_SCHEMA, id, {
        name: base.name,
        tag: recommendation.tag,
        osTag: recommendation.tag,
        details: recommendation,
        vulnerabilities: recommendation.vulnerabilities,
        ...(recommendation.aliases.length > 0 ? { alternativeTags: unique(recommendation.aliases) } : {})
      })
    }
    relationship(SHOULD_UPDATE_TO_SCHEMA, publicImage, tag, {
      recommendation,
      base,
      ...(base.vulnerabilities ? { baseVulnerabilities: base.vulnerabilities } : {})
    })
  }
  const baseTagSource: TagSource = {
    name: base.name,
    tag: base.tag,
    osTag: base.lineTag,
    details: base,
    ...(base.vulnerabilities ? { vulnerabilities: base.vulnerabilities } : {}),
    ...(baseMergedWithRefresh && baseAliases.length === 0 ? {} : { alternativeTags: baseAliases })
  }
  const baseTag = node(PUBLIC_IMAGE_TAG_SCHEMA, publicImage.id, baseTagSource)
  relationship(BUILT_FROM_SCHEMA, publicImage, baseTag, undefined)

  const imageLinks: ImageLink[] = []
  const digestPrefix = (report.digest ?? '')
    .replace(/^sha256:/, '')
    .trim()
    .toLowerCase()
  if (digestPrefix !== '') {
    imageLinks.push({ type: IMAGE_LINK.type, digestPrefix, to: publicImage, properties: { ...IMAGE_LINK.properties } })
  }
  if (report.target) {
    const scanned = node(SCANNED_IMAGE_SCHEMA, report.target, {
      reference: report.target,
      ...(report.digest ? { digest: report.digest } : {})
    })
    relationship(SCOUT_BUILT_ON_SCHEMA, scanned, publicImage, undefined)
  }
  return { nodes, relationships, imageLinks }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)]
}

function key(ref: NodeRef): string {
  return `${ref.label}\u0000${ref.id}`
}

function compareRefs(a: NodeRef, b: NodeRef): number {
  return compareCodePoints(a.label, b.label) || compareCodePoints(a.id, b.id)
}
