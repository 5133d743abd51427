/**
 * Leaves the run's reports under an S3 prefix, where `cartography --docker-scout-source s3://…` reads
 * them later: one object per image, named from its reference (a new scan overwrites the previous
 * report), with a SHA-256 the server verifies. Credentials and region come from the AWS SDK's default
 * chain only. The SDK is loaded only when `s3-uri` is set.
 */
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { S3Client } from '@aws-sdk/client-s3'
import type { Host } from '../host.js'
import { errorLine, WordedError } from '../messages.js'
import type { S3Settings } from '../types/settings.js'
import { loadCommonJs } from '../util/load.js'

export interface UploadItem {
  /** The object name under the prefix. */
  name: string
  file: string
}

const loadSdk = () => loadCommonJs(() => import('@aws-sdk/client-s3'))
const MAX_ATTEMPTS = 5
const DELETE_BATCH = 1000
const UPLOAD_CONCURRENCY = 8

async function client(settings: S3Settings): Promise<S3Client> {
  const { S3Client } = await loadSdk()
  return new S3Client({ forcePathStyle: settings.forcePathStyle, maxAttempts: MAX_ATTEMPTS })
}

/** Before any scan: a region and credentials must resolve, or the run stops here saying which is missing. */
export async function checkS3Access(settings: S3Settings): Promise<void> {
  const s3 = await client(settings)
  try {
    try {
      await s3.config.region()
    } catch {
      throw new WordedError('s3-uri: no AWS region: set AWS_REGION (aws-actions/configure-aws-credentials sets it)')
    }
    try {
      await s3.config.credentials()
    } catch (error) {
      throw new WordedError(
        `s3-uri: no AWS credentials from the SDK's default chain (environment, web identity, profile, instance role): ${sdkError(error)}`
      )
    }
  } finally {
    s3.destroy()
  }
}

export interface UploadResult {
  uploaded: string[]
  failed: { key: string; reason: string }[]
}

/** Uploads every item; a key that still fails after the SDK's retries is returned, the others still go up. */
export async function uploadReports(settings: S3Settings, items: readonly UploadItem[], host: Host): Promise<UploadResult> {
  const { PutObjectCommand } = await loadSdk()
  const s3 = await client(settings)
  const result: UploadResult = { uploaded: [], failed: [] }
  try {
    const queue = [...items]
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const key = `${settings.prefix}${item.name}`
        try {
          const body = await readFile(item.file)
          await s3.send(
            new PutObjectCommand({
              Bucket: settings.bucket,
              Key: key,
              Body: body,
              ContentType: 'text/plain; charset=utf-8',
              ChecksumSHA256: createHash('sha256').update(body).digest('base64')
            })
          )
          result.uploaded.push(key)
        } catch (error) {
          result.failed.push({ key, reason: sdkError(error) })
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(UPLOAD_CONCURRENCY, items.length) }, worker))
    host.info(`Uploaded ${result.uploaded.length} report(s) to s3://${settings.bucket}/${settings.prefix}`)
    return result
  } finally {
    s3.destroy()
  }
}

/**
 * Deletes the objects under the prefix other than `keep` (the keys this run wrote), and nothing outside
 * it. Destructive: the caller runs it only through the run's gate.
 */
export async function pruneReports(settings: S3Settings, keep: readonly string[], host: Host): Promise<string[]> {
  const s3 = await client(settings)
  try {
    return await pruneOthers(s3, settings, new Set(keep), host)
  } finally {
    s3.destroy()
  }
}

/** Deletes the objects under the prefix that this run did not write, and nothing outside it. */
async function pruneOthers(s3: S3Client, settings: S3Settings, written: ReadonlySet<string>, host: Host): Promise<string[]> {
  if (settings.prefix === '') throw new WordedError('s3-prune refuses to prune a whole bucket: give s3-uri a prefix')
  const { ListObjectsV2Command, DeleteObjectsCommand } = await loadSdk()
  const stale: string[] = []
  let token: string | undefined
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.prefix, ContinuationToken: token }))
    for (const object of page.Contents ?? []) {
      if (object.Key && object.Key.startsWith(settings.prefix) && !written.has(object.Key)) stale.push(object.Key)
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined
  } while (token)
  for (let start = 0; start < stale.length; start += DELETE_BATCH) {
    const batch = stale.slice(start, start + DELETE_BATCH)
    const deleted = await s3.send(
      new DeleteObjectsCommand({ Bucket: settings.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })
    )
    if (deleted.Errors && deleted.Errors.length > 0) {
      throw new WordedError(
        `s3-prune could not delete ${deleted.Errors.length} object(s), first ${deleted.Errors[0].Key}: ${deleted.Errors[0].Message}`
      )
    }
  }
  host.info(`Pruned ${stale.length} report(s) under s3://${settings.bucket}/${settings.prefix} that this run did not write`)
  return stale
}

/** An SDK error as one line: its name, the HTTP status when there was a response, and the message. */
function sdkError(error: unknown): string {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } }
  const status = failure.$metadata?.httpStatusCode
  return `${failure.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${errorLine(error)}`
}
