/**
 * The graph, declared once. Cartography's `docker_scout` data model (labels, keys, properties,
 * relationships, the BUILT_ON match link) plus what `graph-mode: extended` adds under names of its
 * own. The graph-delta JSON and the Neo4j push are both generated from these declarations.
 */

import type { GraphMode } from '../types/settings.js'

export const MODULE_NAME = 'cartography:docker_scout'

export const PUBLIC_IMAGE = 'DockerScoutPublicImage'
export const PUBLIC_IMAGE_TAG = 'DockerScoutPublicImageTag'
/** Extended mode: the scanned image itself, which Cartography does not keep. */
export const SCANNED_IMAGE = 'ScoutGraphImage'

const COUNT_PROPERTIES = ['scout_critical', 'scout_high', 'scout_medium', 'scout_low', 'scout_unspecified'] as const

export interface NodeSchema {
  label: string
  /** Written in both modes, exactly as Cartography writes them. */
  properties: readonly string[]
  /** Written only in extended mode. */
  extended: readonly string[]
  /** The whole node exists only in extended mode. */
  extendedOnly?: boolean
}

export interface RelationshipSchema {
  type: string
  from: string
  to: string
  properties: readonly string[]
  extended: readonly string[]
  extendedOnly?: boolean
}

export const NODES: readonly NodeSchema[] = [
  {
    label: PUBLIC_IMAGE,
    properties: ['name', 'tag', 'alternative_tags', 'version', 'digest'],
    extended: COUNT_PROPERTIES
  },
  {
    label: PUBLIC_IMAGE_TAG,
    properties: ['name', 'tag', 'alternative_tags', 'size', 'flavor', 'os', 'runtime', 'is_slim'],
    extended: COUNT_PROPERTIES
  },
  { label: SCANNED_IMAGE, properties: [], extended: ['reference', 'digest'], extendedOnly: true }
]

export const RELATIONSHIPS: readonly RelationshipSchema[] = [
  { type: 'BUILT_FROM', from: PUBLIC_IMAGE, to: PUBLIC_IMAGE_TAG, properties: [], extended: [] },
  {
    type: 'SHOULD_UPDATE_TO',
    from: PUBLIC_IMAGE,
    to: PUBLIC_IMAGE_TAG,
    properties: ['benefits', 'fix_critical', 'fix_high', 'fix_medium', 'fix_low'],
    extended: ['scout_kind']
  },
  { type: 'SCOUT_BUILT_ON', from: SCANNED_IMAGE, to: PUBLIC_IMAGE, properties: [], extended: [], extendedOnly: true }
]

/** `(:Image)-[:BUILT_ON]->(:DockerScoutPublicImage)`, matched by digest prefix on `_ont_digest`. */
export const IMAGE_LINK = {
  type: 'BUILT_ON',
  fromLabel: 'Image',
  matchProperty: '_ont_digest',
  to: PUBLIC_IMAGE,
  properties: { _sub_resource_label: 'DockerScout', _sub_resource_id: 'global' }
} as const

export function nodeSchema(label: string): NodeSchema {
  const schema = NODES.find((node) => node.label === label)
  if (schema === undefined) throw new Error(`unknown node label ${label}`)
  return schema
}

export function relationshipSchema(type: string): RelationshipSchema {
  const schema = RELATIONSHIPS.find((relationship) => relationship.type === type)
  if (schema === undefined) throw new Error(`unknown relationship type ${type}`)
  return schema
}

/** The properties an element carries in a mode, in declaration order. */
export function propertyNames(schema: NodeSchema | RelationshipSchema, mode: GraphMode): readonly string[] {
  if (mode !== 'extended') return schema.properties
  let names = extendedNames.get(schema)
  if (names === undefined) extendedNames.set(schema, (names = [...schema.properties, ...schema.extended]))
  return names
}
const extendedNames = new WeakMap<NodeSchema | RelationshipSchema, readonly string[]>()

export function inMode(schema: NodeSchema | RelationshipSchema, mode: GraphMode): boolean {
  return mode === 'extended' || !schema.extendedOnly
}
