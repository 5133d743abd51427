/** Every failure as one line that says why, with credentials of any shape taken out. */
import { describe, expect, it } from 'vitest'
import { errorLine, redact } from '../../src/messages.js'

describe('messages', () => {
  it('says why, even when an error has no message (an Azure RestError with only a status code)', () => {
    expect(errorLine(Object.assign(new Error(''), { name: 'RestError', statusCode: 503 }))).toBe('RestError, HTTP 503 (no message)')
    expect(errorLine(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('code ECONNRESET (no message)')
    expect(errorLine(new Error(''))).toBe('Error (no message)')
    expect(errorLine(undefined)).toBe('undefined (no message)')
  })

  it('removes URI user information of any shape', () => {
    expect(redact('bolt://neo4j:p@ss/w#rd@db:7687 failed')).toBe('bolt://***@db:7687 failed')
    expect(redact('registry://node@sha256:abc')).toBe('registry://node@sha256:abc')
  })
})
