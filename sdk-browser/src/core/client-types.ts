// The public contract of the sending core: the options of `createCore`, the `Core` it
// returns and its counters. Types only, so nothing here reaches a bundle; the behaviour
// is in client.ts, which re-exports these.
import type { BackoffOptions } from './backoff.js'
import type { createCore } from './client.js'
import type { DropHandler } from './queue.js'
import type { Outcome } from './retry.js'
import type { KeyValueStore, PersistedQueue } from './store.js'
import type { TokenSource } from './token.js'
import type { fetchTransport, Transport } from './transport.js'
import type { WireEvent, WireSource } from './types.js'

/** Options of {@link createCore}. */
export interface CoreOptions {
  /** Collector base URL, e.g. `https://collector.example.com`; events go to `{endpoint}/v1/batch`. Required. */
  endpoint: string
  /** A fixed token, or a function fetching `{ token, expiresAt }`. Default: none (no token sent). */
  token?: TokenSource | undefined
  /** Refresh a fetched token this many ms before it expires (or half-way through its life if sooner). Default `30000`. */
  tokenRefreshMs?: number | undefined
  /**
   * Send the token in the body and no headers, so fetch sends `text/plain` (a CORS "simple" request:
   * no preflight, and usable with keepalive at unload). Default `false`: the token goes
   * in `Authorization: Bearer`, the body is `application/json`.
   */
  tokenInBody?: boolean | undefined
  /** Sent as the batch's `source`: `'app'` for mobile apps, `'server'` for backends. Default: none (the collector decides: `browser` when the request has an Origin). */
  source?: WireSource | undefined
  /** How batches are sent. Default {@link fetchTransport} (global `fetch`). */
  transport?: Transport | undefined
  /** Where the queue is persisted, to be replayed after a restart. Default: none (memory only). */
  storage?: KeyValueStore | undefined
  /** Storage key of the queue. Default `'tally:v1:q'`. */
  storageKey?: string | undefined
  /** Most events queued (waiting or in flight). Default `1000`. */
  maxQueueEvents?: number | undefined
  /** Most bytes queued (events as JSON). Default `524288` (512 KB). */
  maxQueueBytes?: number | undefined
  /** Most events per request. Default `100`; at most 500 (`LIMITS.eventsPerBatch`). */
  maxBatchEvents?: number | undefined
  /** Most bytes per request body. Default `524288` (512 KB, `LIMITS.bytesPerBody`). */
  maxBodyBytes?: number | undefined
  /** Most bytes of bodies in flight at once with `flush({ keepalive: true })`. Default `60000` (browsers allow 64 KB). */
  maxKeepaliveBytes?: number | undefined
  /** Send as soon as this many events wait. Default `20`. */
  flushAt?: number | undefined
  /** Send waiting events at most this many ms after the first was queued. Default `1000`. */
  flushInterval?: number | undefined
  /** Retry delays. Defaults: see {@link BackoffOptions} (1 s doubling to 60 s, 50 % jitter). */
  backoff?: BackoffOptions | undefined
  /**
   * Drop an undelivered event first queued more than this many ms ago (its age is kept
   * in storage, across restarts and tabs), reported as `onDrop(events, 'expired', 'age')`.
   * Default `86400000` (24 hours).
   */
  maxEventAgeMs?: number | undefined
  /**
   * Drop an event after this many sends answered with a retryable error (5xx, 408, 429, a
   * 401 after a fresh token), reported as `onDrop(events, 'expired', 'attempts')`. Sends
   * with no answer at all (offline) do not count. Default `100`.
   */
  maxAttempts?: number | undefined
  /** Called for every event dropped undelivered (overflow, final 4xx, …). Default: none; `stats().dropped` counts them anyway. */
  onDrop?: DropHandler | undefined
  /** Called for every failed send, retryable or not (`outcome.kind`). Default: none. */
  onError?: ((outcome: Outcome) => void) | undefined
}

/** Counters of a {@link Core}. */
export interface CoreStats {
  /** Events queued now (waiting or in flight). */
  queued: number
  /** Events acknowledged by the collector (202). */
  sent: number
  /** Events dropped undelivered (see `onDrop`). */
  dropped: number
}

/** The universal sending core: queue, batches, retries, tokens, persistence. */
export interface Core {
  /** Queues a complete event (with its `id` and `ts`). Never throws. */
  enqueue(event: WireEvent): void
  /**
   * Sends everything waiting and resolves when no request is in flight: every event
   * queued before the call has been acknowledged, finally refused, or has failed
   * retryably (then it stays queued and is retried after the backoff delay).
   * `keepalive`: the page is going away; send all waiting events at once, in
   * parallel requests with `keepalive` totalling under `maxKeepaliveBytes`,
   * ignoring any backoff delay. Nobody may be left to read their answers: if the
   * collector's last answer was a 2xx, these events leave storage as they are handed to
   * the transport (trusted to arrive, never sent again by a later instance); otherwise
   * they stay stored, and a later instance sends them again with the same ids (the
   * collector stores an id once per site).
   */
  flush(options?: { keepalive?: boolean }): Promise<void>
  /**
   * Flushes, retrying through backoff delays until everything is delivered or
   * `timeout` ms (default `10000`) have passed; then stops timers and persists what
   * is left. Later `enqueue`s are dropped (`'closed'`).
   */
  close(options?: { timeout?: number }): Promise<void>
  /**
   * Writes the queue to storage now (synchronously when the storage is). `true`:
   * release it (`t: 0`), free for another instance to adopt, and keep it released in
   * later writes; `false`: own it again.
   */
  persist(release?: boolean): void
  /**
   * Queues the events of another instance's persisted queue (e.g. a closed tab's), with
   * their ids, ages and attempts, drops those past a cap, persists, and sends soon.
   */
  restore(queue: PersistedQueue): void
  stats(): CoreStats
}
