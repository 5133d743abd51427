/**
 * Turns parsed reports into the graph delta: the nodes, relationships and BUILT_ON links a push
 * writes, exactly as Cartography's transform and load produce them, merged over many reports.
 */
import { fixCounts, inferOs, isSlim } from '../report/derive.js'
import { compareCodePoints } from '../util/compare.js'
import { SEVERITIES, type BaseImage, type ParsedReport, type VulnerabilityCounts } from '../types/report.js'
import {
  IMAGE_LINK,
  MODULE_NAME,
  PUBLIC_IMAGE,
  PUBLIC_IMAGE_TAG,
  SCANNED_IMAGE,
  inMode,
  nodeSchema,
  propertyNames,
  relationshipSchema
} from './schema.js'
import type { GraphMode } from '../types/settings.js'

export type PropertyValue = string | number | boolean | string[]
export type Properties = Record<string, PropertyValue>

export interface NodeRef {
  label: string
  id: string
}

export interface GraphNode extends NodeRef {
  properties: Properties
}

export interface GraphRelationship {
  type: string
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
  return parsed.status === 'undecodable' || parsed.status === 'incomplete' ? 'failed' : 'skipped'
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
    const writes = reportWrites(parsed, parsed.base)
    for (const node of writes.nodes) {
      const schema = nodeSchema(node.label)
      if (inMode(schema, mode)) nodes.set(key(node), { ...node, properties: pick(node.properties, propertyNames(schema, mode)) })
    }
    for (const rel of writes.relationships) {
      const schema = relationshipSchema(rel.type)
      if (inMode(schema, mode)) {
        relationships.set(`${rel.type} ${key(rel.from)} ${key(rel.to)}`, {
          ...rel,
          properties: pick(rel.properties, propertyNames(schema, mode))
        })
      }
    }
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

/** Everything one report writes, with every property of every mode; the caller picks per mode. */
function reportWrites(report: ParsedReport, base: BaseImage): ReportWrites {
  const publicImage: NodeRef = { label: PUBLIC_IMAGE, id: `${base.name}:${base.tag}` }
  const baseTag: NodeRef = { label: PUBLIC_IMAGE_TAG, id: publicImage.id }
  const nodes: GraphNode[] = [
    {
      ...publicImage,
      properties: defined({
        name: base.name,
        tag: base.tag,
        alternative_tags: base.supportedTags,
        version: base.runtime,
        digest: base.digest,
        ...countProperties(base.vulnerabilities)
      })
    }
  ]
  const relationships: GraphRelationship[] = [{ type: 'BUILT_FROM', from: publicImage, to: baseTag, properties: {} }]

  // Cartography makes each tag's properties canonical: the base's values win for its own tag, and
  // alias lists are merged (an empty merged list is dropped, but the base keeps its `[]`).
  const baseTagProperties = tagProperties(base.name, base.tag, base.lineTag, base, base.vulnerabilities)
  let baseAliases = base.supportedTags
  for (const recommendation of report.recommendations) {
    const tag: NodeRef = { label: PUBLIC_IMAGE_TAG, id: `${base.name}:${recommendation.tag}` }
    if (tag.id === baseTag.id) {
      baseAliases = unique([...baseAliases, ...recommendation.aliases])
    } else {
      nodes.push({
        ...tag,
        properties: defined({
          ...tagProperties(base.name, recommendation.tag, recommendation.tag, recommendation, recommendation.vulnerabilities),
          alternative_tags: recommendation.aliases.length > 0 ? unique(recommendation.aliases) : undefined
        })
      })
    }
    const fixes = fixCounts(base.vulnerabilities, recommendation.vulnerabilities)
    relationships.push({
      type: 'SHOULD_UPDATE_TO',
      from: publicImage,
      to: tag,
      properties: defined({
        benefits: recommendation.benefits,
        ...Object.fromEntries(SEVERITIES.map((severity) => [`fix_${severity}`, fixes[severity] > 0 ? fixes[severity] : undefined])),
        scout_kind: recommendation.kind
      })
    })
  }
  const baseMergedWithRefresh = report.recommendations.some((recommendation) => `${base.name}:${recommendation.tag}` === baseTag.id)
  nodes.push({
    ...baseTag,
    properties: defined({
      ...baseTagProperties,
      alternative_tags: baseMergedWithRefresh && baseAliases.length === 0 ? undefined : baseAliases
    })
  })

  const imageLinks: ImageLink[] = []
  const digestPrefix = (report.digest ?? '')
    .replace(/^sha256:/, '')
    .trim()
    .toLowerCase()
  if (digestPrefix !== '') {
    imageLinks.push({ type: IMAGE_LINK.type, digestPrefix, to: publicImage, properties: { ...IMAGE_LINK.properties } })
  }
  if (report.target) {
    const scanned: NodeRef = { label: SCANNED_IMAGE, id: report.target }
    nodes.push({ ...scanned, properties: defined({ reference: report.target, digest: report.digest }) })
    relationships.push({ type: 'SCOUT_BUILT_ON', from: scanned, to: publicImage, properties: {} })
  }
  return { nodes, relationships, imageLinks }
}

interface TagSource {
  size?: string
  flavor?: string
  runtime?: string
  slim?: string
}

function tagProperties(
  name: string,
  tag: string,
  osTag: string,
  source: TagSource,
  vulnerabilities: VulnerabilityCounts | undefined
): Record<string, PropertyValue | undefined> {
  return {
    name,
    tag,
    size: source.size,
    flavor: source.flavor?.toLowerCase(),
    os: inferOs(osTag, source.flavor),
    runtime: source.runtime,
    is_slim: isSlim(osTag, source.slim),
    ...countProperties(vulnerabilities)
  }
}

function countProperties(counts: VulnerabilityCounts | undefined): Record<string, number | undefined> {
  return {
    scout_critical: counts?.critical,
    scout_high: counts?.high,
    scout_medium: counts?.medium,
    scout_low: counts?.low,
    scout_unspecified: counts?.unspecified
  }
}

function defined(values: Record<string, PropertyValue | undefined>): Properties {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Properties
}

function pick(properties: Properties, names: readonly string[]): Properties {
  return Object.fromEntries(names.filter((name) => name in properties).map((name) => [name, properties[name]]))
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
