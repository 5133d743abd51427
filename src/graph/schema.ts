/**
 * The graph, declared once. Cartography's `docker_scout` data model (labels, keys, properties,
 * relationships, the BUILT_ON match link) plus what `graph-mode: extended` adds under names of its
 * own. Each property says where its value comes from (Cartography's `PropertyRef`): the delta is
 * computed from these declarations, so no property exists that the schema does not list, and the
 * graph-delta JSON and the Neo4j push are both generated from them.
 */
import { baseFacts, classify, optionFacts } from '../moves/changes.js'
import { fixCounts, inferOs, isSlim } from '../report/derive.js'
import { SEVERITIES, type BaseImage, type ImageDetails, type Recommendation, type VulnerabilityCounts } from '../types/report.js'
import type { GraphMode } from '../types/settings.js'

export const MODULE_NAME = 'cartography:docker_scout'

export const PUBLIC_IMAGE = 'DockerScoutPublicImage'
export const PUBLIC_IMAGE_TAG = 'DockerScoutPublicImageTag'
/** Extended mode: the scanned image itself, which Cartography does not keep. */
export const SCANNED_IMAGE = 'ScoutGraphImage'

export type NodeLabel = typeof PUBLIC_IMAGE | typeof PUBLIC_IMAGE_TAG | typeof SCANNED_IMAGE
export type RelationshipType = 'BUILT_FROM' | 'SHOULD_UPDATE_TO' | 'SCOUT_BUILT_ON'
export type PropertyValue = string | number | boolean | string[]
export type Properties = Record<string, PropertyValue>

/** A property, what it means, where its value comes from, and in which mode it is written. Undefined means "not set". */
export interface PropertyRef<Source> {
  name: string
  /** What the property means, for people: docs/graph.md is generated from it (Cartography's `description=`). */
  description: string
  /** Where the value is read from, in the report's words (for people; `value` is what runs). */
  from: string
  value(source: Source): PropertyValue | undefined
  /** Written only in extended mode. */
  extended?: true
}

interface ElementSchema<Source> {
  /** What the element stands for, for the generated docs. */
  description: string
  properties: readonly PropertyRef<Source>[]
  /** The whole element exists only in extended mode. */
  extendedOnly?: boolean
}

export interface NodeSchema<Source = void> extends ElementSchema<Source> {
  label: NodeLabel
}

export interface RelationshipSchema<Source = void> extends ElementSchema<Source> {
  type: RelationshipType
  from: NodeLabel
  to: NodeLabel
}

/** The base image of a report: its `Base image is` line and the key/value rows under it. */
export interface PublicImageSource {
  base: BaseImage
}

/** A tag node: the base's own tag (from the base rows) or a recommended tag (from its table record). */
export interface TagSource {
  name: string
  tag: string
  /** The tag Cartography infers the OS from: the `Base image is` line's tag for the base, the record's tag otherwise. */
  osTag: string
  details: ImageDetails
  vulnerabilities?: VulnerabilityCounts
  alternativeTags?: string[]
}

/** A recommendation record, and the base it moves from. */
export interface UpdateSource {
  recommendation: Recommendation
  baseVulnerabilities?: VulnerabilityCounts
  /** The base it moves from, for what the move changes. */
  base: BaseImage
}

/** The Target block of a report. */
export interface ScannedSource {
  reference: string
  digest?: string
}

/** `scout_critical` … `scout_unspecified` (extended): the counts of a vulnerabilities row. */
function countRefs<Source>(
  counts: (source: Source) => VulnerabilityCounts | undefined,
  from: string,
  whose: string
): PropertyRef<Source>[] {
  return (['critical', 'high', 'medium', 'low', 'unspecified'] as const).map((severity) => ({
    name: `scout_${severity}`,
    description: `How many ${severity === 'unspecified' ? 'unrated' : severity} vulnerabilities ${whose} has.`,
    from: `${from}: ${severity}`,
    value: (source: Source) => counts(source)?.[severity],
    extended: true
  }))
}

export const PUBLIC_IMAGE_SCHEMA: NodeSchema<PublicImageSource> = {
  label: PUBLIC_IMAGE,
  description: 'A base image an image is built on, as Scout names it (id `name:tag`).',
  properties: [
    {
      name: 'name',
      description: "The base image's repository, as the report names it.",
      from: 'Base image is: repository',
      value: ({ base }) => base.name
    },
    {
      name: 'tag',
      description: 'The tag the image is built on.',
      from: 'Name row, else the Base image is tag',
      value: ({ base }) => base.tag
    },
    {
      name: 'alternative_tags',
      description: 'Other tags of the same image that Scout says are supported.',
      from: 'supported tag(s) note ([] when none)',
      value: ({ base }) => base.supportedTags
    },
    {
      name: 'version',
      description: 'The runtime the base image carries, such as 22.14.0 for Node.',
      from: 'Runtime row',
      value: ({ base }) => base.runtime
    },
    { name: 'digest', description: 'The digest of the base image.', from: 'Digest row', value: ({ base }) => base.digest },
    ...countRefs<PublicImageSource>(({ base }) => base.vulnerabilities, 'Vulnerabilities row', 'the base image')
  ]
}

export const PUBLIC_IMAGE_TAG_SCHEMA: NodeSchema<TagSource> = {
  label: PUBLIC_IMAGE_TAG,
  description: 'A tag of a base image: the one in use, and each one Scout recommends (id `name:tag`).',
  properties: [
    { name: 'name', description: 'The repository the tag belongs to.', from: 'Base image is: repository', value: (tag) => tag.name },
    { name: 'tag', description: 'The tag.', from: 'the tag', value: (tag) => tag.tag },
    {
      name: 'alternative_tags',
      description: 'Other tags that name the same image.',
      from: 'Also known as, merged per tag',
      value: (tag) => tag.alternativeTags
    },
    {
      name: 'size',
      description: 'The compressed size of the image, as Scout prints it.',
      from: 'Size row or bullet',
      value: (tag) => tag.details.size
    },
    {
      name: 'flavor',
      description: 'The OS flavor of the image (alpine, debian and so on).',
      from: 'Flavor row or bullet, lowercased',
      value: (tag) => tag.details.flavor?.toLowerCase()
    },
    {
      name: 'os',
      description: 'The OS family, inferred from the tag and the flavor.',
      from: 'Cartography infer_image_os(tag, flavor)',
      value: (tag) => inferOs(tag.osTag, tag.details.flavor)
    },
    { name: 'runtime', description: 'The runtime the tag carries.', from: 'Runtime row or bullet', value: (tag) => tag.details.runtime },
    {
      name: 'is_slim',
      description: 'Whether the tag is a slim variant.',
      from: 'Slim ✓ (or v), or "slim" in the tag',
      value: (tag) => isSlim(tag.osTag, tag.details.slim)
    },
    ...countRefs<TagSource>((tag) => tag.vulnerabilities, 'Vulnerabilities row or column', 'the tag')
  ]
}

export const SCANNED_IMAGE_SCHEMA: NodeSchema<ScannedSource> = {
  label: SCANNED_IMAGE,
  description: 'A scanned image, which Cartography does not keep (id its reference).',
  extendedOnly: true,
  properties: [
    {
      name: 'reference',
      description: 'The image reference that was scanned.',
      from: 'Target row',
      value: (image) => image.reference,
      extended: true
    },
    {
      name: 'digest',
      description: "The scanned image's digest, as short as the report prints it.",
      from: 'digest row (short)',
      value: (image) => image.digest,
      extended: true
    }
  ]
}

export const BUILT_FROM_SCHEMA: RelationshipSchema = {
  type: 'BUILT_FROM',
  description: 'The base image is that tag.',
  from: PUBLIC_IMAGE,
  to: PUBLIC_IMAGE_TAG,
  properties: []
}

export const SHOULD_UPDATE_TO_SCHEMA: RelationshipSchema<UpdateSource> = {
  type: 'SHOULD_UPDATE_TO',
  description: 'Scout recommends moving the base image to that tag.',
  from: PUBLIC_IMAGE,
  to: PUBLIC_IMAGE_TAG,
  properties: [
    {
      name: 'benefits',
      description: 'What Scout says the move brings.',
      from: 'Benefits bullets',
      value: ({ recommendation }) => recommendation.benefits
    },
    ...SEVERITIES.map((severity): PropertyRef<UpdateSource> => ({
      name: `fix_${severity}`,
      description: `How many ${severity} vulnerabilities the move removes.`,
      from: `base count minus recommended count (${severity}), when above 0`,
      value: ({ recommendation, baseVulnerabilities }) => {
        const fixes = fixCounts(baseVulnerabilities, recommendation.vulnerabilities)[severity]
        return fixes > 0 ? fixes : undefined
      }
    })),
    {
      name: 'scout_changes',
      description: 'What the move changes, in the classes of the move policy (runtime-major, os-family, variant, floating…).',
      from: 'the base rows, the Image details bullets and the tags, compared',
      value: ({ recommendation, base }) => classify(recommendation.kind, baseFacts(base), optionFacts(base, recommendation)),
      extended: true
    },
    {
      name: 'scout_kind',
      description: 'refresh (the same tag, a newer build) or update (another tag).',
      from: 'the table: refresh or update',
      value: ({ recommendation }) => recommendation.kind,
      extended: true
    }
  ]
}

export const SCOUT_BUILT_ON_SCHEMA: RelationshipSchema = {
  type: 'SCOUT_BUILT_ON',
  description: 'The scanned image is built on that base image.',
  from: SCANNED_IMAGE,
  to: PUBLIC_IMAGE,
  properties: [],
  extendedOnly: true
}

export type AnyNodeSchema = NodeSchema<PublicImageSource> | NodeSchema<TagSource> | NodeSchema<ScannedSource>
export type AnyRelationshipSchema = RelationshipSchema | RelationshipSchema<UpdateSource>

export const NODES: readonly AnyNodeSchema[] = [PUBLIC_IMAGE_SCHEMA, PUBLIC_IMAGE_TAG_SCHEMA, SCANNED_IMAGE_SCHEMA]
export const RELATIONSHIPS: readonly AnyRelationshipSchema[] = [BUILT_FROM_SCHEMA, SHOULD_UPDATE_TO_SCHEMA, SCOUT_BUILT_ON_SCHEMA]

/** `(:Image)-[:BUILT_ON]->(:DockerScoutPublicImage)`, matched by digest prefix on `_ont_digest`. */
export const IMAGE_LINK = {
  type: 'BUILT_ON',
  description:
    "An image your registries hold (Cartography's `Image`) is built on that base image: its digest starts with the report's short Target digest.",
  fromLabel: 'Image',
  matchProperty: '_ont_digest',
  to: PUBLIC_IMAGE,
  properties: { _sub_resource_label: 'DockerScout', _sub_resource_id: 'global' }
} as const

/** What every schema has, whatever part of a report it reads. */
interface SchemaShape {
  properties: readonly { name: string; extended?: true }[]
  extendedOnly?: boolean
}

/** The properties an element carries in a mode, in declaration order. */
export function propertyNames(schema: SchemaShape, mode: GraphMode): readonly string[] {
  return schema.properties.filter((ref) => mode === 'extended' || !ref.extended).map((ref) => ref.name)
}

export function inMode(schema: SchemaShape, mode: GraphMode): boolean {
  return mode === 'extended' || !schema.extendedOnly
}

/** An element's properties in a mode, each computed by its reference; a value that is undefined is not set. */
export function propertiesOf<Source>(schema: ElementSchema<Source>, source: Source, mode: GraphMode): Properties {
  const properties: Properties = {}
  for (const ref of schema.properties) {
    if (ref.extended && mode !== 'extended') continue
    const value = ref.value(source)
    if (value !== undefined) properties[ref.name] = value
  }
  return properties
}
