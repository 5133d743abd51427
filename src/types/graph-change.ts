/** A base image whose recommendations changed since the previous update tag (read back from Neo4j, shown in the summary). */
export interface BaseChange {
  base: string
  /** Tags recommended now that were not before. */
  gained: string[]
  /** Tags recommended before that are not any more (a base already updated, a refresh no longer needed). */
  lost: string[]
}
