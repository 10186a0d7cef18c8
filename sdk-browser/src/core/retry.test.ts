import { describe, expect, it } from 'vitest'
import { classify, parseRetryAfter } from './retry.js'

const err = (code: string) => JSON.stringify({ error: { code, message: 'm' } })

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')
  it('reads delta seconds', () => {
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter(' 0 ', now)).toBe(0)
  })
  it('reads an HTTP date, relative to now, never negative', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now)).toBe(10000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0)
  })
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-5', now)).toBeUndefined()
  })
})

describe('classify', () => {
  it('treats no answer as a retryable network error', () => {
    expect(classify(undefined)).toEqual({ kind: 'retry', code: 'ERR_NETWORK' })
  })
  it('accepts 2xx', () => {
    expect(classify({ status: 202, body: '{"accepted":1,"rejected":[]}' }).kind).toBe('ok')
    expect(classify({ status: 202, body: '{"accepted":0,"rejected":[{"index":0,"reason":"r"}]}' }).rejected).toEqual([{ index: 0, reason: 'r' }])
    expect(classify({ status: 204 }).kind).toBe('ok')
  })
  it.each([500, 502, 503, 504, 408, 429])('retries %i', (status) => {
    expect(classify({ status }).kind).toBe('retry')
  })
  it('honours Retry-After on 503 and 429', () => {
    expect(classify({ status: 503, retryAfter: '2', body: err('ERR_SPOOL_FULL') })).toMatchObject({
      kind: 'retry',
      retryAfterMs: 2000,
      code: 'ERR_SPOOL_FULL',
    })
    expect(classify({ status: 429, retryAfter: '1' }).retryAfterMs).toBe(1000)
  })
  it('asks for a new token on 401', () => {
    expect(classify({ status: 401, body: err('ERR_TOKEN_EXPIRED') })).toMatchObject({ kind: 'auth', code: 'ERR_TOKEN_EXPIRED' })
  })
  it.each([400, 403, 404, 413, 422])('gives up on %i, with the collector code', (status) => {
    expect(classify({ status, body: err('ERR_BATCH_INVALID') })).toMatchObject({ kind: 'final', status, code: 'ERR_BATCH_INVALID', message: 'm' })
  })
  it('names a code when the body is not the collector’s', () => {
    expect(classify({ status: 400, body: '<html>' }).code).toBe('ERR_HTTP_400')
  })
})
