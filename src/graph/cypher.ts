/**
 * The Cypher of a push, generated from the schema declarations: the same writes Cartography's
 * query builder generates (MERGE on id, `firstseen` on create, every schema property SET so that a
 * missing value removes the property), plus the schema objects and the cleanup. Values only ever
 * travel as parameters; labels, types and property names come from schema.ts, never from reports.
 */
import {
  IMAGE_LINK,
  NODES,
  PUBLIC_IMAGE,
  PUBLIC_IMAGE_TAG,
  RELATIONSHIPS,
  inMode,
  propertyNames,
  type AnyNodeSchema,
  type AnyRelationshipSchema
} from './schema.js'
import type { GraphMode } from '../types/settings.js'

export interface Statement {
  text: string
  /** Every property a row carries, in schema order. */
  properties: readonly string[]
  /** What the rows of `$rows` are, for the push to pick from the delta. */
  rows: { kind: 'nodes'; label: string } | { kind: 'relationships'; type: string } | { kind: 'imageLinks' }
}

/** What Cartography stamps on everything it writes; the parameters are the same for every statement. */
function bookkeeping(variable: string): string[] {
  return [`${variable}.lastupdated = $updateTag`, `${variable}._module_name = $moduleName`, `${variable}._module_version = $moduleVersion`]
}

/** `row.properties` holds every property of the schema, null where a value is missing: `+=` then removes it, as Cartography's `SET x = null` does. */
function setClause(variable: string): string {
  return `SET ${[...bookkeeping(variable), `${variable} += row.properties`].join(', ')}`
}

function nodeUpsert(schema: AnyNodeSchema, mode: GraphMode): Statement {
  return {
    text: ['UNWIND $rows AS row', `MERGE (n:${schema.label} {id: row.id})`, 'ON CREATE SET n.firstseen = timestamp()', setClause('n')].join(
      '\n'
    ),
    properties: propertyNames(schema, mode),
    rows: { kind: 'nodes', label: schema.label }
  }
}

/** MERGE one relationship per row between two nodes found by id. */
function relationshipMerge(from: string, type: string, to: string): string {
  return [
    'UNWIND $rows AS row',
    `MATCH (a:${from} {id: row.from})`,
    `MATCH (b:${to} {id: row.to})`,
    `MERGE (a)-[r:${type}]->(b)`,
    'ON CREATE SET r.firstseen = timestamp()',
    setClause('r')
  ].join('\n')
}

function relationshipUpsert(schema: AnyRelationshipSchema, mode: GraphMode): Statement {
  return {
    text: relationshipMerge(schema.from, schema.type, schema.to),
    properties: propertyNames(schema, mode),
    rows: { kind: 'relationships', type: schema.type }
  }
}

/**
 * Cartography links every `Image` whose `_ont_digest`, lowercased and without `sha256:`, starts with
 * the report's short digest, then every `Image` sharing an id with one of those. The push finds
 * those ids first (`CANONICAL_IMAGES` by index seek, `NON_CANONICAL_IMAGES` once per push), so the
 * write is a plain MERGE between two ids, like every other relationship.
 */
function imageLinkUpsert(): Statement {
  return {
    text: relationshipMerge(IMAGE_LINK.fromLabel, IMAGE_LINK.type, IMAGE_LINK.to),
    properties: Object.keys(IMAGE_LINK.properties),
    rows: { kind: 'imageLinks' }
  }
}

/** Ids of the `Image` nodes whose canonical digest (`sha256:` + lowercase hex) starts with each prefix: index seeks. */
export const CANONICAL_IMAGES = [
  'UNWIND $prefixes AS prefix',
  `MATCH (img:${IMAGE_LINK.fromLabel}) WHERE img.${IMAGE_LINK.matchProperty} STARTS WITH 'sha256:' + prefix`,
  // collect() skips the null ids Cartography's rule cannot link either.
  'RETURN prefix, collect(DISTINCT img.id) AS ids'
].join('\n')

/** `Image` nodes whose digest an index seek on `sha256:<lowercase hex>` would miss, read once per push. */
export const NON_CANONICAL_IMAGES = [
  `MATCH (img:${IMAGE_LINK.fromLabel}) WHERE img.${IMAGE_LINK.matchProperty} IS NOT NULL AND img.id IS NOT NULL`,
  `  AND NOT img.${IMAGE_LINK.matchProperty} =~ 'sha256:[0-9a-f]*'`,
  `RETURN img.id AS id, toLower(replace(img.${IMAGE_LINK.matchProperty}, 'sha256:', '')) AS digest`
].join('\n')

/** Node writes first (relationships MATCH their ends), in declaration order, then relationships, then links. */
export function upsertStatements(mode: GraphMode): Statement[] {
  return [
    ...NODES.filter((schema) => inMode(schema, mode)).map((schema) => nodeUpsert(schema, mode)),
    ...RELATIONSHIPS.filter((schema) => inMode(schema, mode)).map((schema) => relationshipUpsert(schema, mode)),
    imageLinkUpsert()
  ]
}

/**
 * Cartography creates range indexes on `id` and `lastupdated` of its labels, on `Image(id)` and on
 * BUILT_ON's sub-resource pair. Here `id` is a uniqueness constraint instead: its index serves the
 * same lookups (Cartography's own `CREATE INDEX IF NOT EXISTS` then has no effect), and it is what
 * keeps concurrent matrix legs from creating the same node twice.
 */
export interface SchemaObject {
  /** The label or relationship type, and the properties, as `SHOW INDEXES` lists them. */
  labelOrType: string
  properties: string[]
  /** A uniqueness constraint (with its own index) rather than a plain index. */
  unique: boolean
  text: string
}

const nodeIndex = (label: string, properties: string[], unique = false): SchemaObject => ({
  labelOrType: label,
  properties,
  unique,
  text: unique
    ? `CREATE CONSTRAINT IF NOT EXISTS FOR (n:${label}) REQUIRE n.${properties[0]} IS UNIQUE`
    : `CREATE INDEX IF NOT EXISTS FOR (n:${label}) ON (${properties.map((name) => `n.${name}`).join(', ')})`
})

export function schemaObjects(): SchemaObject[] {
  const subResource = Object.keys(IMAGE_LINK.properties)
  return [
    ...NODES.map((schema) => nodeIndex(schema.label, ['id'], true)),
    ...NODES.map((schema) => nodeIndex(schema.label, ['lastupdated'])),
    nodeIndex(IMAGE_LINK.fromLabel, ['id']),
    nodeIndex(IMAGE_LINK.fromLabel, [IMAGE_LINK.matchProperty]),
    {
      labelOrType: IMAGE_LINK.type,
      properties: subResource,
      unique: false,
      text: `CREATE INDEX IF NOT EXISTS FOR ()-[r:${IMAGE_LINK.type}]->() ON (${subResource.map((name) => `r.${name}`).join(', ')})`
    }
  ]
}

/**
 * Cartography's cleanup, generalised to every element the schema declares: whatever carries another
 * update tag goes, in batches (each statement is re-run until it deletes nothing). `Image` nodes are
 * never deleted, only their BUILT_ON.
 */
export function cleanupStatements(): string[] {
  const batch = 'WITH x LIMIT $limit'
  const relationships = [...RELATIONSHIPS, { from: IMAGE_LINK.fromLabel, type: IMAGE_LINK.type, to: IMAGE_LINK.to }]
  return [
    ...NODES.map(
      (schema) => `MATCH (x:${schema.label}) WHERE x.lastupdated <> $updateTag ${batch} DETACH DELETE x RETURN count(*) AS deleted`
    ),
    ...relationships.map(
      ({ from, type, to }) =>
        `MATCH (:${from})-[x:${type}]->(:${to}) WHERE x.lastupdated <> $updateTag ${batch} DELETE x RETURN count(*) AS deleted`
    )
  ]
}

/**
 * What changed since the previous update tag, for the bases this push wrote: a recommendation created
 * by this run (its `firstseen` is after the update tag was fixed) is new; one still carrying an older
 * update tag was not recommended this time. Read before cleanup removes the latter.
 */
export const RECOMMENDATION_CHANGES = [
  'UNWIND $bases AS baseId',
  `MATCH (base:${PUBLIC_IMAGE} {id: baseId})-[r:SHOULD_UPDATE_TO]->(tag:${PUBLIC_IMAGE_TAG})`,
  'WHERE base.firstseen < $since AND (r.lastupdated <> $updateTag OR r.firstseen >= $since)',
  'RETURN base.id AS base, tag.tag AS tag, r.lastupdated = $updateTag AS current',
  'ORDER BY base, tag'
].join('\n')
