/** Sharding an image list over the legs of a matrix. */
import { createHash } from 'node:crypto'
import type { Shard } from '../types/settings.js'

/**
 * Each reference goes to the shard its hash picks: the slices are disjoint, cover the list, and a
 * reference stays in its shard however the list is reordered or grows.
 */
export function shardOf(reference: string, count: number): number {
  return (createHash('sha256').update(reference).digest().readUInt32BE(0) % count) + 1
}

export function applyShard(images: string[], shard: Shard | undefined): string[] {
  return shard ? images.filter((reference) => shardOf(reference, shard.count) === shard.index) : images
}
