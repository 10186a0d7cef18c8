import { backoff, type BackoffOptions } from './backoff.js'
import { boundedQueue, takeBatch, utf8Length, type DropHandler, type QueueItem } from './queue.js'
import { classify, type Outcome } from './retry.js'
import { readQueue, when, type KeyValueStore } from './store.js'
import { tokenProvider, type TokenSource } from './token.js'
import { fetchTransport, type Transport } from './transport.js'
import { WIRE_LIMITS, type BatchAccepted, type WireEvent } from './types.js'

/** Options of {@link createCore}. */
export interface CoreOptions {
  /** Collector base URL, e.g. `https://collector.example.com`; events go to `{endpoint}/v1/batch`. Required. */
  endpoint: string
  /** A fixed token, or a function fetching `{ token, expiresAt }`. Default: none (no token sent). */
  token?: TokenSource | undefined
  /** Refresh a fetched token this many ms before it expires (or half-way through its life if sooner). Default `30000`. */
  tokenRefreshMs?: number | undefined
  /**
   * Send the token in the body and the batch as `text/plain` (a CORS "simple" request:
   * no preflight, and usable with keepalive at unload). Default `false`: the token goes
   * in `Authorization: Bearer`, the body is `application/json`.
   */
  tokenInBody?: boolean | undefined
  /** How batches are sent. Default {@link fetchTransport} (global `fetch`). */
  transport?: Transport | undefined
  /** Where the queue is persisted, to be replayed after a restart. Default: none (memory only). */
  storage?: KeyValueStore | undefined
  /** Storage key of the queue. Default `'tally:v1:q'`. */
  storageKey?: string | undefined
  /** Most events queued (waiting or in flight). Default `1000`. */
  maxQueueEvents?: number | undefined
  /** Most bytes queued (events as JSON). Default `1048576` (1 MB). */
  maxQueueBytes?: number | undefined
  /** Most events per request. Default `100`; at most 500 (`LIMITS.eventsPerBatch`). */
  maxBatchEvents?: number | undefined
  /** Most bytes per request body. Default `524288` (512 KB, `LIMITS.bytesPerBody`). */
  maxBodyBytes?: number | undefined
  /** Most bytes of bodies in flight at once with `flush({ keepalive: true })`. Default `60000` (browsers allow 64 KB). */
  maxKeepaliveBytes?: number | undefined
  /** Send as soon as this many events wait. Default `20`. */
  flushAt?: number | undefined
  /** Send waiting events at most this many ms after the first was queued. Default `5000`. */
  flushInterval?: number | undefined
  /** Retry delays. Defaults: see {@link BackoffOptions} (1 s doubling to 60 s, 50 % jitter). */
  backoff?: BackoffOptions | undefined
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
   * ignoring any backoff delay.
   */
  flush(options?: { keepalive?: boolean }): Promise<void>
  /**
   * Flushes, retrying through backoff delays until everything is delivered or
   * `timeout` ms (default `10000`) have passed; then stops timers and persists what
   * is left. Later `enqueue`s are dropped (`'closed'`).
   */
  close(options?: { timeout?: number }): Promise<void>
  /** Writes the queue to storage now (synchronously when the storage is); `released`: `t: 0`, free for another instance to adopt. */
  persist(released?: boolean): void
  stats(): CoreStats
}

/**
 * Creates the sending core shared by sdk-browser and sdk-node. It uses no DOM and no
 * Node APIs: `fetch` (or your transport), `setTimeout`, and your storage.
 *
 * @example
 * const core = createCore({ endpoint: 'https://collector.example.com', token: fetchToken })
 * core.enqueue({ id: uuid(), type: 'track', name: 'signup', ts: Date.now() })
 * await core.close({ timeout: 5000 })
 */
export function createCore(o: CoreOptions): Core {
  const url = o.endpoint.replace(/\/+$/, '') + '/v1/batch'
  const tokens = tokenProvider(o.token, o.tokenRefreshMs)
  const transport = o.transport || fetchTransport
  const store = o.storage
  const key = o.storageKey || 'tally:v1:q'
  const maxBatch = Math.min(o.maxBatchEvents || 100, WIRE_LIMITS.eventsPerBatch)
  const maxBody = Math.min(o.maxBodyBytes || WIRE_LIMITS.bytesPerBody, WIRE_LIMITS.bytesPerBody)
  const keepaliveBytes = o.maxKeepaliveBytes || 60000
  const flushAt = o.flushAt || 20
  const interval = o.flushInterval ?? 5000
  const onError = o.onError
  let sent = 0
  let dropped = 0
  const drop: DropHandler = (events, reason, detail) => {
    dropped += events.length
    o.onDrop && o.onDrop(events, reason, detail)
  }
  const queue = boundedQueue(o.maxQueueEvents || 1000, o.maxQueueBytes || 1 << 20, drop)
  const items = queue.items
  let loaded = !store
  let closed = false
  let attempt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  /** When the timer fires (ms since the epoch). */
  let due = 0
  let running: Promise<void> | undefined
  const inflight = new Set<Promise<Outcome>>()
  let dirty = false
  let overhead = 64

  const stop = () => {
    clearTimeout(timer)
    timer = undefined
  }
  /** Pumps in `ms`; `force` replaces a pending timer (a backoff outranks the flush interval). */
  const schedule = (ms: number, force?: boolean) => {
    if (force) stop()
    if (timer || closed) return
    due = Date.now() + ms
    timer = setTimeout(() => {
      timer = undefined
      pump()
    }, ms)
    ;(timer as { unref?: () => void }).unref?.()
  }

  const persist = (released?: boolean) => {
    dirty = false
    if (!store || !loaded) return
    try {
      when(items.length ? store.set(key, JSON.stringify({ t: released ? 0 : Date.now(), e: items.map((q) => q.event) })) : store.remove(key), () => {})
    } catch {
      /* storage full or disabled: the queue lives on in memory */
    }
  }
  const changed = () => {
    if (!dirty) {
      dirty = true
      Promise.resolve().then(() => dirty && persist())
    }
  }

  const add = (e: WireEvent) => {
    const n = utf8Length(JSON.stringify(e))
    if (n > WIRE_LIMITS.bytesPerEvent || n + 64 > maxBody) return drop([e], 'too_large')
    queue.add(e, n)
    changed()
  }

  /** Sends one batch, tracked in `inflight`. */
  const send = (batch: QueueItem[], keepalive: boolean): Promise<Outcome> => {
    const p = sendOnce(batch, keepalive)
    inflight.add(p)
    return p.finally(() => inflight.delete(p))
  }
  const sendOnce = async (batch: QueueItem[], keepalive: boolean, again?: boolean): Promise<Outcome> => {
    for (const q of batch) q.sending = true
    let out: Outcome
    try {
      const token = await tokens.get()
      const inBody = o.tokenInBody
      if (inBody && token) overhead = 64 + token.length
      const headers: Record<string, string> = { 'content-type': inBody ? 'text/plain' : 'application/json' }
      if (token && !inBody) headers.authorization = 'Bearer ' + token
      const body = JSON.stringify({ sent_at: Date.now(), token: inBody ? token : undefined, events: batch.map((q) => q.event) })
      let res
      try {
        res = await transport({ url, body, headers, keepalive })
      } catch {
        /* no answer */
      }
      out = classify(res)
      if (out.kind == 'ok') {
        sent += batch.length
        try {
          for (const r of (JSON.parse(res!.body!) as BatchAccepted).rejected) drop([batch[r.index]!.event], 'rejected', r.reason)
        } catch {
          /* no per-event report */
        }
      }
      if (out.kind == 'final') drop(batch.map((q) => q.event), 'final', out.code)
    } catch (e) {
      out = { kind: 'retry', code: 'ERR_TOKEN_FETCH', message: String(e) }
    }
    for (const q of batch) q.sending = false
    if (out.kind == 'auth' && !again) {
      tokens.invalidate()
      return sendOnce(batch, keepalive, true)
    }
    if (out.kind == 'ok' || out.kind == 'final') {
      queue.remove(batch)
      attempt = 0
    } else attempt++
    if (out.kind != 'ok') onError && onError(out)
    persist()
    return out
  }

  /** Sends batch after batch until the queue is empty or a send fails; one loop at a time. */
  const loop = async () => {
    for (let b; loaded && (b = takeBatch(items, maxBatch, maxBody, overhead)).length; ) {
      const out = await send(b, false)
      if (out.kind != 'ok' && out.kind != 'final') return schedule(out.retryAfterMs ?? backoff(attempt, o.backoff), true)
    }
  }
  const pump = (): Promise<void> =>
    running ||
    (running = loop().then(() => {
      running = undefined
    }))

  const unload = () => {
    const all: Promise<unknown>[] = []
    for (let budget = keepaliveBytes, b; (b = takeBatch(items, maxBatch, Math.min(maxBody, budget), overhead, true)).length; ) {
      for (const q of b) budget -= q.bytes + 1
      budget -= overhead
      all.push(send(b, true))
    }
    return Promise.all(all).then(() => {
      if (items.some((q) => !q.sending)) attempt ? schedule(backoff(attempt, o.backoff)) : schedule(0, true)
    })
  }

  if (store) {
    try {
      when(store.get(key), (raw) => {
        loaded = true
        const q = readQueue(raw)
        if (q) {
          const mine = items.slice()
          queue.remove(mine)
          for (const e of q.e) add(e)
          for (const it of mine) queue.add(it.event, it.bytes)
        }
        persist()
        if (items.length) schedule(0)
      })
    } catch {
      loaded = true
    }
  }

  return {
    enqueue(e) {
      if (closed) return drop([e], 'closed')
      add(e)
      if (attempt) return
      if (items.length >= flushAt) pump()
      schedule(interval)
    },
    async flush(opt) {
      if (opt && opt.keepalive) return unload()
      if (!attempt) {
        stop()
        await pump()
        if (!attempt) await pump()
      }
      await Promise.all(inflight)
    },
    async close(opt) {
      const deadline = Date.now() + ((opt && opt.timeout) ?? 10000)
      for (;;) {
        if (!attempt || !timer || Date.now() >= due) stop(), await pump()
        await Promise.all(inflight)
        const left = deadline - Date.now()
        if (!items.length || left <= 0) break
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(left, timer ? due - Date.now() : 0))))
      }
      closed = true
      stop()
      persist()
    },
    persist,
    stats: () => ({ queued: items.length, sent, dropped }),
  }
}
