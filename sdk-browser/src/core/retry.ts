import { FULL } from './flags.js'
import type { TransportResponse } from './transport.js'
import type { BatchAccepted, ErrorBody } from './types.js'

/**
 * What to do after one send:
 * - `ok`: delivered (2xx);
 * - `retry`: network error, 5xx, 408 or 429; wait `retryAfterMs` when the collector said;
 * - `auth`: 401; fetch a fresh token and try again (the events stay queued);
 * - `final`: any other answer; retrying cannot help, the events are dropped and
 *   reported with the collector's stable `code`.
 */
export interface Outcome {
  kind: 'ok' | 'retry' | 'auth' | 'final'
  /** The HTTP status; absent when no answer came. */
  status?: number
  /** From `Retry-After` (seconds or an HTTP date), in ms from now. */
  retryAfterMs?: number | undefined
  /** The collector's `error.code` (e.g. `ERR_BATCH_INVALID`), or `ERR_NETWORK`, `ERR_TOKEN_FETCH`, `ERR_HTTP_<status>`. */
  code?: string
  message?: string
  /** `ok`: events of the batch the collector refused (quarantined), by index. */
  rejected?: { index: number; reason: string }[]
}

/**
 * `Retry-After` in ms from `now`: delta seconds (`"120"`) or an HTTP date. `undefined`
 * when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return
  if (!FULL) return +value >= 0 ? +value * 1000 : undefined
  const ms = /^\s*\d+\s*$/.test(value) ? +value * 1000 : FULL && /[a-z]/i.test(value) ? Date.parse(value) - now : NaN
  return ms >= 0 ? ms : ms < 0 ? 0 : undefined
}

/** Classifies the answer of one send (`undefined`: no answer, a network error). */
export function classify(res?: TransportResponse, now?: number): Outcome {
  if (!res) return FULL ? { kind: 'retry', code: 'ERR_NETWORK' } : { kind: 'retry' }
  const status = res.status
  const o: Outcome = {
    kind: status >= 200 && status < 300 ? 'ok' : status == 401 ? 'auth' : status >= 500 || status == 408 || status == 429 ? 'retry' : 'final',
    status, // both builds: an answered failure counts as an attempt (see `maxAttempts`)
  }
  if (FULL) {
    let b: Partial<BatchAccepted & ErrorBody> = {}
    try {
      b = JSON.parse(res.body!) || b
    } catch {
      /* no body, or not the collector's */
    }
    const e = b.error
    if (o.kind == 'ok') o.rejected = b.rejected
    else {
      o.code = (e && e.code) || 'ERR_HTTP_' + status
      o.message = e && e.message
    }
  }
  o.retryAfterMs = parseRetryAfter(res.retryAfter, now)
  return o
}
