import { backoff } from './backoff.js'
import { expire as expireItems, MAX_ATTEMPTS, MAX_EVENT_AGE_MS } from './caps.js'
import type { Core, CoreOptions } from './client-types.js'
import { FULL } from './flags.js'
import { boundedQueue, takeBatch, utf8Length, type DropHandler, type QueueItem } from './queue.js'
import { classify, type Outcome } from './retry.js'
import { readQueue, when, writeQueue, type PersistedQueue } from './store.js'
import { tokenProvider } from './token.js'
import { fetchTransport } from './transport.js'
import { WIRE_LIMITS, type WireBatch, type WireEvent } from './types.js'

export type { Core, CoreOptions, CoreStats } from './client-types.js'

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
  // `FULL ? option : default`: the script-tag build fixes what its tracker never sets.
  const url = o.endpoint.replace(/\/+$/, '') + '/v1/batch'
  const tokens = FULL ? tokenProvider(o.token, o.tokenRefreshMs) : tokenProvider(o.token)
  const transport = (FULL && o.transport) || fetchTransport
  const store = o.storage
  const key = FULL ? o.storageKey || 'tally:v1:q' : o.storageKey!
  const maxBatch = FULL ? Math.min(o.maxBatchEvents || 100, WIRE_LIMITS.eventsPerBatch) : 100
  const maxBody = FULL ? Math.min(o.maxBodyBytes || WIRE_LIMITS.bytesPerBody, WIRE_LIMITS.bytesPerBody) : WIRE_LIMITS.bytesPerBody
  const inBody = o.tokenInBody
  let sent = 0
  let dropped = 0
  const drop: DropHandler = FULL
    ? (events, reason, detail) => {
        dropped += events.length
        o.onDrop && o.onDrop(events, reason, detail)
      }
    : (events, reason) => console.warn('tally drop', reason, events.length)
  const queue = boundedQueue(FULL ? o.maxQueueEvents || 1000 : 1000, FULL ? o.maxQueueBytes || 1 << 19 : 1 << 19, drop)
  const items = queue.items_
  const maxAge = FULL ? o.maxEventAgeMs || MAX_EVENT_AGE_MS : MAX_EVENT_AGE_MS
  const maxAttempts = FULL ? o.maxAttempts || MAX_ATTEMPTS : MAX_ATTEMPTS
  const expire = () => expireItems(items, queue.remove_, drop, maxAge, maxAttempts)
  /** Whether the stored queue was read (only ever false with async storage). */
  let loaded = !FULL || !store
  let closed = false
  /** Failed sends in a row; > 0 while backing off. */
  let attempt = 0
  /** The collector's last answer was a 2xx: a keepalive request at unload is trusted to arrive (see `send`). */
  let healthy = false
  let timer: ReturnType<typeof setTimeout> | undefined
  /** When the timer fires (ms since the epoch). */
  let due = 0
  let running: Promise<void> | undefined
  const inflight = new Set<Promise<unknown>>()
  /** Envelope bytes around the events (grows with the token, when it travels in the body). */
  let overhead = 64

  const stop = () => {
    clearTimeout(timer)
    timer = undefined
  }
  /** Pumps in `ms`; `force` replaces a pending timer (a backoff outranks the flush interval). */
  const schedule = (ms: number, force?: boolean) => {
    if (force) stop()
    if (timer || (FULL && closed)) return
    due = Date.now() + ms
    timer = setTimeout(() => {
      timer = undefined
      pump()
    }, ms)
    if (FULL) (timer as { unref?: () => void }).unref?.()
  }
  const retryLater = (after?: number) => schedule(after ?? (FULL ? backoff(attempt, o.backoff) : backoff(attempt)), true)

  /** Released to another instance (`t: 0`) until `persist(false)`. */
  let released: boolean | undefined
  /** Writes the queue (synchronously with a synchronous storage). */
  const persist = (release?: boolean) => {
    if (release != null) released = release
    if (!store || (FULL && !loaded)) return
    try {
      const kept = items.filter((q) => !q.handed_)
      const r = kept.length ? store.set(key, writeQueue(released ? 0 : Date.now(), kept)) : store.remove(key)
      if (FULL) when(r, () => {})
    } catch {
      /* storage full or disabled: the queue lives on in memory */
    }
  }

  const add = (e: WireEvent, queued?: number, tries?: number) => {
    const n = utf8Length(JSON.stringify(e))
    if (n > WIRE_LIMITS.bytesPerEvent || (FULL && n + 64 > maxBody)) return drop([e], 'too_large')
    queue.add_(e, n, queued, tries)
  }
  /**
   * Queues persisted events again with their ages and attempts, then `after` (events
   * queued before an async storage answered), drops what is past a cap, persists, and
   * sends soon.
   */
  const restore = (q?: PersistedQueue, after: QueueItem[] = []) => {
    if (q) q.e.forEach((e, i) => add(e, q.q && q.q[i], q.a && q.a[i]))
    if (FULL) for (const it of after) queue.add_(it.event_, it.bytes_, it.queued_, it.tries_)
    expire()
    persist()
    if (items.length) schedule(0)
  }

  /** Sends one batch (tracked in `inflight`); after a 401, once more with a fresh token. */
  const send = (batch: QueueItem[], keepalive: boolean, again?: boolean): Promise<Outcome> => {
    for (const q of batch) q.sending_ = true
    const p = tokens.get().then(
      (token) => {
        if (inBody && token) overhead = 64 + token.length
        // In the body, the token rides a CORS-simple request: fetch's default `text/plain` for a string body.
        const headers: Record<string, string> = {}
        if (!inBody) {
          headers['content-type'] = 'application/json'
          if (token) headers.authorization = 'Bearer ' + token
        }
        const wire: WireBatch = { sent_at: Date.now(), token: inBody ? token : undefined, events: batch.map((q) => q.event_) }
        if (FULL) wire.source = o.source
        const body = JSON.stringify(wire)
        const answer = transport({ url, body, headers, keepalive })
        // At unload nobody will hear this answer. If the collector's last answer was a 2xx,
        // trust the browser to deliver and take the events out of storage, so that no later
        // page sends them again; otherwise they stay stored, and a later page may send them
        // again with the same ids (the collector stores one event per site and id).
        if (keepalive && healthy) {
          for (const q of batch) q.handed_ = true
          persist()
        }
        return answer.then(classify, () => classify())
      },
      (e): Outcome => (FULL ? { kind: 'retry', code: 'ERR_TOKEN_FETCH', message: String(e) } : { kind: 'retry' }),
    )
    inflight.add(p)
    return p.then((out) => {
      inflight.delete(p)
      for (const q of batch) q.sending_ = q.handed_ = false
      const kind = out.kind
      healthy = kind == 'ok'
      if (kind == 'auth' && !again) {
        tokens.invalidate()
        return send(batch, keepalive, true)
      }
      if (kind == 'ok' || kind == 'final') {
        if (kind == 'final') drop(batch.map((q) => q.event_), 'final', out.code)
        else if (FULL) {
          sent += batch.length
          for (const r of out.rejected || []) drop([batch[r.index]!.event_], 'rejected', r.reason)
        }
        queue.remove_(batch)
        attempt = 0
      } else {
        attempt++
        if (out.status) for (const q of batch) q.tries_++
        retryLater(out.retryAfterMs)
      }
      if (FULL && kind != 'ok' && o.onError) o.onError(out)
      persist()
      return out
    })
  }

  /** Sends batch after batch until the queue is empty or a send fails; one loop at a time. */
  const loop = async () => {
    for (let b; (!FULL || loaded) && (expire(), (b = takeBatch(items, maxBatch, maxBody, overhead)).length); ) {
      await send(b, false)
      if (attempt) return
    }
  }
  const pump = (): Promise<void> =>
    running ||
    (running = loop().then(() => {
      running = undefined
    }))

  /** The page is going away: everything waiting, at once, under the keepalive budget (what does not fit waits for the next pump). */
  const unload = () => {
    const all: Promise<unknown>[] = []
    expire()
    for (let budget = (FULL && o.maxKeepaliveBytes) || 60000, b; (b = takeBatch(items, maxBatch, Math.min(maxBody, budget), overhead, true)).length; ) {
      for (const q of b) budget -= q.bytes_ + 1
      budget -= overhead
      all.push(send(b, true))
    }
    return Promise.all(all) as Promise<unknown> as Promise<void>
  }

  // The tracker's key is new on every page load (a tab id): the script-tag build has no
  // queue of its own to load; other tabs' queues come through `restore`.
  if (FULL && store) {
    try {
      when(store.get(key), (raw) => {
        loaded = true
        const q = readQueue(raw)
        // With async storage, events may have been queued meanwhile: they go after.
        const mine = q ? items.slice() : []
        queue.remove_(mine)
        restore(q, mine)
      })
    } catch {
      loaded = true
    }
  }

  const core: Core = {
    enqueue(e) {
      if (FULL && closed) return drop([e], 'closed')
      add(e)
      persist()
      // Have a token ready before the batch leaves: the page may be unloading by then.
      tokens.get().catch(() => {})
      if (attempt) return
      if (items.length >= ((FULL && o.flushAt) || 20)) pump()
      schedule(FULL ? (o.flushInterval ?? 1000) : 1000)
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
    persist,
    restore,
  } as Core
  if (FULL) {
    core.close = async (opt) => {
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
    }
    core.stats = () => ({ queued: items.length, sent, dropped })
  }
  return core
}
