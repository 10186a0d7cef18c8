import { FULL } from './flags.js'

/** What the core hands a {@link Transport}: one `POST` of one batch. */
export interface TransportRequest {
  url: string
  /** The JSON body (a `WireBatch`). */
  body: string
  /** `content-type` and `authorization`; none when the token travels in the body (fetch then sends `text/plain`). */
  headers: Record<string, string>
  /**
   * The page may be going away: the request must outlive it (`fetch` `keepalive`,
   * under 64 KB of bodies in flight per page), and nobody may be left to read the answer.
   */
  keepalive: boolean
}

/** What a {@link Transport} returns for any HTTP answer. */
export interface TransportResponse {
  status: number
  /** The `Retry-After` header, if any. */
  retryAfter?: string | null | undefined
  /** The body, if read (the collector's `{ error: { code } }` or `{ accepted, rejected }`). */
  body?: string | undefined
}

/**
 * Sends one batch. Resolve with the answer for any HTTP status; reject (throw) only
 * when no answer came (network error, timeout), which the core retries.
 *
 * @example
 * // React Native / tests: any function of this shape
 * const transport: Transport = async (req) => {
 *   const res = await fetch(req.url, { method: 'POST', body: req.body, headers: req.headers })
 *   return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() }
 * }
 */
export type Transport = (request: TransportRequest) => Promise<TransportResponse>

/** A request with no answer after this long is abandoned (and retried). Full builds only. */
const TIMEOUT_MS = 30_000

/**
 * The default transport: the global `fetch`, with `keepalive` passed through. Outside
 * the script-tag build a request gives up after 30 s (where `AbortSignal.timeout`
 * exists), so a hanging connection cannot hold `flush()` or `close()` for ever.
 */
export const fetchTransport: Transport = (r) => {
  const init: RequestInit = { method: 'POST', body: r.body, headers: r.headers, keepalive: r.keepalive }
  if (FULL && !r.keepalive && typeof AbortSignal !== 'undefined' && AbortSignal.timeout) init.signal = AbortSignal.timeout(TIMEOUT_MS)
  return fetch(r.url, init).then((res) => {
    const out: TransportResponse = { status: res.status, retryAfter: res.headers.get('retry-after') }
    // The script-tag build has no use for the body (error details are for `onError`).
    return FULL ? res.text().then((body) => ((out.body = body), out)) : out
  })
}
