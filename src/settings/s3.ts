/** Where the reports are left for Cartography: `s3-uri`, `s3-prune`, `AWS_S3_FORCE_PATH_STYLE`. */
import type { S3Settings } from '../types/settings.js'
import { InputError, parseBoolean, shownUri } from './values.js'
import type { InputReader } from '../inputs.js'

export function s3Settings(input: InputReader, env: NodeJS.ProcessEnv): S3Settings | undefined {
  const prune = parseBoolean('s3-prune', input('s3-prune'))
  const uri = input('s3-uri')
  if (uri === '') {
    if (prune) throw new InputError('s3-prune', 'needs s3-uri (it prunes that prefix)')
    return undefined
  }
  const match = /^s3:\/\/([^/]*)\/?(.*)$/.exec(uri)
  if (!match) throw new InputError('s3-uri', `expected s3://bucket/prefix/, got ${shownUri(uri)}`)
  if (match[1].includes('@'))
    throw new InputError('s3-uri', "must not contain credentials (user:key@): they come from the AWS SDK's default chain")
  const [, bucket, rawPrefix] = match
  if (!validBucket(bucket)) {
    throw new InputError(
      's3-uri',
      `${JSON.stringify(bucket)} is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)`
    )
  }
  if (/[\p{Cc}]/u.test(rawPrefix)) throw new InputError('s3-uri', 'the prefix contains control characters')
  // Cartography matches keys by plain prefix: without the slash, `reports` would also take `reports-old/`.
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`
  if (prune && prefix === '') throw new InputError('s3-prune', 'refuses to prune a whole bucket: give s3-uri a prefix')
  return { bucket, prefix, prune, forcePathStyle: parseBoolean('AWS_S3_FORCE_PATH_STYLE', env.AWS_S3_FORCE_PATH_STYLE || 'false') }
}

function validBucket(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias')
  )
}
