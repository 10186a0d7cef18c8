import type { BackoffOptions, DropReason, Outcome, Transport, WireEvent } from '@tally/sdk-browser/core'
import { TallyError } from '../errors.js'
import type { SigningKey } from '../token/keys.js'

/**
 * Why events left the queue undelivered: the core's reasons (`overflow`, `too_large`,
 * `final`, `rejected`, `closed`, `expired`: past the core's age or attempt cap), plus `unsent`: still queued when `close()` timed out
 * or when the process exited.
 */
export type NodeDropReason = DropReason | 'unsent'

/** Signals `flushOnExit` can hook. */
export type ExitSignal = 'SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGBREAK'

export interface FlushOnExitOptions {
  /** Signals after which the client closes, then lets the signal do what it would have done. Default `['SIGTERM', 'SIGINT']`. */
  signals?: ExitSignal[]
  /** Longest wait for delivery at exit, ms. Default `5000`. */
  timeout?: number
}

export interface TallyNodeOptions {
  /** Collector base URL, e.g. `https://collector.example.com`; events go to `{endpoint}/v1/batch`. Required. */
  endpoint: string

  // ── token: exactly one of `token`, `getToken`, `signingKey` ──
  /** A fixed token (e.g. from `tally token`). Never refreshed: for long-running processes prefer `getToken` or `signingKey`. */
  token?: string
  /**
   * Fetches a token, `{ token, expiresAt }` (`expiresAt`: ms since the epoch; an ISO string or a
   * `Date` also do). Called when none is cached, `tokenRefreshMs` before expiry, and after a 401.
   * With sdk-node's issuer: `() => issuer.issue({ site, scope: SERVER_TRACKING_SCOPE })`; a token
   * without the `server` scope makes browser events (bot check and geo from your backend).
   */
  getToken?: () => Promise<{ token: string; expiresAt: number | string | Date }>
  /**
   * Sign tokens in this process with your own key: a private JWK or an HS256 secret, as an object
   * or its JSON text (e.g. `process.env.TALLY_SIGNING_KEY`). Needs `site`. Its tokens carry
   * `scope: 'ingest server orders'` (`SERVER_TRACKING_SCOPE`): the events are server events.
   */
  signingKey?: SigningKey | string
  /** The site self-signed tokens are for (with `signingKey`; required there). */
  site?: string
  /**
   * Claims of self-signed tokens. Defaults: `issuer` `'tally-dev'`, `audience` `'tally'`
   * (the collector's defaults), `ttl` `300` s, `subject` none.
   */
  tokenClaims?: { issuer?: string; audience?: string; ttl?: number; subject?: string }
  /** Refresh a token this many ms before it expires (or half-way through its life, if sooner). Default `30000`. */
  tokenRefreshMs?: number

  // ── batching ──
  /** Send as soon as this many events wait. Default `100`. */
  flushAt?: number
  /** Send waiting events at most this many ms after the first was queued. Default `1000`. */
  flushInterval?: number
  /** Most events per request. Default `500` (the collector's limit, `LIMITS.eventsPerBatch`). */
  maxBatchEvents?: number
  /** Most bytes per request body. Default `524288` (512 KiB, the collector's limit). */
  maxBodyBytes?: number

  // ── queue ──
  /**
   * Most events held (waiting or in flight). Default `10000`. When full, the **oldest waiting**
   * event is dropped to make room (recent events matter most), and reported through
   * `onDrop(events, 'overflow')` and `stats().overflowed`. Never silent.
   */
  maxQueueEvents?: number
  /** Most bytes held (events as JSON). Default `10485760` (10 MiB). Same overflow policy. */
  maxQueueBytes?: number

  // ── retries ──
  /**
   * Delays between retries of network errors, 5xx, 408 and 429. Default: 1 s doubling up to
   * 60 s, 50 % jitter. A `Retry-After` from the collector wins. Other 4xx are final.
   */
  backoff?: BackoffOptions
  /** Give up on one request after this many ms (then retry it). Default `10000`. */
  requestTimeout?: number

  // ── observing ──
  /**
   * Called for every event dropped undelivered, with the reason (see {@link NodeDropReason})
   * and a detail (the collector's error code or rejection reason). Default: a `console.warn`
   * at most every 5 s per reason. `stats()` counts drops either way.
   */
  onDrop?: (events: WireEvent[], reason: NodeDropReason, detail?: string) => void
  /** Called for every failed send, retryable (`kind: 'retry' | 'auth'`) or not (`'final'`). Default: none. */
  onError?: (outcome: Outcome) => void

  // ── lifecycle ──
  /**
   * Flush at process exit (opt-in): on `beforeExit`, and on the `signals` (then the signal's
   * usual effect follows, unless your own handlers are installed: then exiting is theirs,
   * and they should `await tally.close()` themselves). Default `false`. Either way, events
   * still queued when the process exits are reported through `onDrop(…, 'unsent')`.
   */
  flushOnExit?: boolean | FlushOnExitOptions
  /** How batches are sent. Default: global `fetch` with `requestTimeout`. */
  transport?: Transport
}

export const NODE_DEFAULTS = {
  flushAt: 100,
  flushInterval: 1000,
  maxBatchEvents: 500,
  maxBodyBytes: 512 * 1024,
  maxQueueEvents: 10_000,
  maxQueueBytes: 10 * 1024 * 1024,
  requestTimeout: 10_000,
  tokenRefreshMs: 30_000,
  closeTimeout: 10_000,
  exitTimeout: 5_000,
} as const

/** Checks options at start-up; throws `TallyError('ERR_OPTIONS_INVALID')` naming the bad one. */
export function checkOptions(o: TallyNodeOptions): void {
  const bad = (m: string): never => {
    throw new TallyError('ERR_OPTIONS_INVALID', `createTallyNode: ${m}`)
  }
  if (!o || typeof o !== 'object') bad('options are required')
  let url: URL | undefined
  try {
    url = new URL(o.endpoint)
  } catch {
    bad(`endpoint must be an http(s) URL, got ${JSON.stringify(o.endpoint)}`)
  }
  if (url!.protocol !== 'http:' && url!.protocol !== 'https:') bad(`endpoint must be an http(s) URL, got ${JSON.stringify(o.endpoint)}`)
  const sources = [o.token !== undefined, o.getToken !== undefined, o.signingKey !== undefined].filter(Boolean).length
  if (sources !== 1) bad('give exactly one of token, getToken, signingKey (the collector refuses events without a token)')
  if (o.token !== undefined && (typeof o.token !== 'string' || o.token.length === 0)) bad('token must be a non-empty string')
  if (o.getToken !== undefined && typeof o.getToken !== 'function') bad('getToken must be a function')
  if (o.signingKey !== undefined && (typeof o.site !== 'string' || o.site.length === 0)) bad('signingKey needs site (the site self-signed tokens are for)')
  for (const name of ['flushAt', 'flushInterval', 'maxBatchEvents', 'maxBodyBytes', 'maxQueueEvents', 'maxQueueBytes', 'requestTimeout', 'tokenRefreshMs'] as const) {
    const v = o[name]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < (name === 'flushInterval' || name === 'tokenRefreshMs' ? 0 : 1))) {
      bad(`${name} must be a positive number, got ${String(v)}`)
    }
  }
}
