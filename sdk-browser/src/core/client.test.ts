import { describe, expect, it, vi } from 'vitest'
import { createCore, type CoreOptions } from './client.js'
import type { KeyValueStore } from './store.js'
import type { TransportRequest, TransportResponse } from './transport.js'
import type { WireBatch, WireEvent } from './types.js'

let n = 0
const ev = (props?: Record<string, string>): WireEvent => ({ id: 'e' + ++n, type: 'track', name: 'x', ts: 1, props })
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms))
const accepted = (k: number): TransportResponse => ({ status: 202, body: JSON.stringify({ accepted: k, rejected: [] }) })

/** A transport answering from a script of responses (then 202), recording requests. */
function fake(script: (TransportResponse | 'throw' | Promise<TransportResponse>)[] = []) {
  const requests: (TransportRequest & { batch: WireBatch })[] = []
  const transport = vi.fn(async (r: TransportRequest) => {
    const batch = JSON.parse(r.body) as WireBatch
    requests.push({ ...r, batch })
    const next = script.shift()
    if (next === 'throw') throw new TypeError('Failed to fetch')
    return next ? await next : accepted(batch.events.length)
  })
  const ids = () => requests.flatMap((r) => r.batch.events.map((e) => e.id))
  return { transport, requests, ids }
}
const core = (t: ReturnType<typeof fake>, o: Partial<CoreOptions> = {}) =>
  createCore({ endpoint: 'http://c.test/', transport: t.transport, flushInterval: 20, backoff: { base: 5, max: 20 }, ...o })

describe('createCore: batching', () => {
  it('sends when flushAt events wait, to {endpoint}/v1/batch with a bearer token', async () => {
    const t = fake()
    const c = core(t, { flushAt: 3, flushInterval: 60_000, token: 'tok' })
    c.enqueue(ev())
    c.enqueue(ev())
    await tick()
    expect(t.requests).toHaveLength(0)
    c.enqueue(ev())
    await tick()
    expect(t.requests).toHaveLength(1)
    const r = t.requests[0]!
    expect(r.url).toBe('http://c.test/v1/batch')
    expect(r.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer tok' })
    expect(r.batch.events).toHaveLength(3)
    expect(r.batch.token).toBeUndefined()
    expect(r.keepalive).toBe(false)
    expect(c.stats()).toEqual({ queued: 0, sent: 3, dropped: 0 })
  })

  it('sends after flushInterval', async () => {
    const t = fake()
    const c = core(t, { flushInterval: 30 })
    c.enqueue(ev())
    await tick(10)
    expect(t.requests).toHaveLength(0)
    await tick(40)
    expect(t.requests).toHaveLength(1)
    expect(c.stats().queued).toBe(0)
  })

  it('splits by maxBatchEvents and maxBodyBytes', async () => {
    const t = fake()
    const c = core(t, { maxBatchEvents: 4, flushAt: 1000 })
    for (let i = 0; i < 10; i++) c.enqueue(ev())
    await c.flush()
    expect(t.requests.map((r) => r.batch.events.length)).toEqual([4, 4, 2])
    const big = { v: 'x'.repeat(1000) }
    const t2 = fake()
    const c2 = core(t2, { maxBodyBytes: 2500, flushAt: 1000 })
    for (let i = 0; i < 5; i++) c2.enqueue(ev(big))
    await c2.flush()
    for (const r of t2.requests) expect(r.body.length).toBeLessThanOrEqual(2500)
    expect(t2.ids()).toHaveLength(5)
  })

  it('puts the token in a text/plain body when asked (no CORS preflight)', async () => {
    const t = fake()
    const c = core(t, { token: 'tok', tokenInBody: true })
    c.enqueue(ev())
    await c.flush()
    expect(t.requests[0]!.headers).toEqual({}) // fetch sends a string body as text/plain
    expect(t.requests[0]!.batch.token).toBe('tok')
  })

  it('drops an event too large to ever send, and says so', async () => {
    const onDrop = vi.fn()
    const c = core(fake(), { onDrop })
    c.enqueue(ev({ v: 'x'.repeat(40 * 1024) }))
    expect(onDrop).toHaveBeenCalledWith([expect.anything()], 'too_large', undefined)
    expect(c.stats()).toMatchObject({ queued: 0, dropped: 1 })
  })

  it('reports overflow through onDrop and the counter', async () => {
    const onDrop = vi.fn()
    const c = core(fake(), { maxQueueEvents: 2, onDrop, flushInterval: 60_000 })
    const evs = [ev(), ev(), ev()]
    for (const e of evs) c.enqueue(e)
    expect(onDrop).toHaveBeenCalledWith([evs[0]], 'overflow', undefined)
    expect(c.stats()).toMatchObject({ queued: 2, dropped: 1 })
  })
})

describe('createCore: retries', () => {
  it('retries network errors and 5xx with the same event ids', async () => {
    const t = fake(['throw', { status: 500 }, { status: 503, retryAfter: '0' }])
    const onError = vi.fn()
    const c = core(t, { onError })
    const e = ev()
    c.enqueue(e)
    await vi.waitFor(() => expect(c.stats().sent).toBe(1))
    expect(t.ids()).toEqual([e.id, e.id, e.id, e.id])
    expect(onError.mock.calls.map((a) => a[0].code)).toEqual(['ERR_NETWORK', 'ERR_HTTP_500', 'ERR_HTTP_503'])
  })

  it('honours Retry-After', async () => {
    const t = fake([{ status: 429, retryAfter: '1' }])
    const c = core(t)
    c.enqueue(ev())
    await c.flush()
    expect(t.requests).toHaveLength(1)
    await tick(500)
    expect(t.requests).toHaveLength(1)
    await vi.waitFor(() => expect(t.requests).toHaveLength(2), { timeout: 2000 })
  })

  it('gives up on other 4xx, reporting the collector code', async () => {
    const body = JSON.stringify({ error: { code: 'ERR_BATCH_INVALID', message: 'bad' } })
    const t = fake([{ status: 400, body }])
    const onDrop = vi.fn()
    const c = core(t, { onDrop })
    c.enqueue(ev())
    await c.flush()
    expect(onDrop).toHaveBeenCalledWith([expect.anything()], 'final', 'ERR_BATCH_INVALID')
    expect(c.stats()).toEqual({ queued: 0, sent: 0, dropped: 1 })
  })

  it('reports events the collector refused in an accepted batch', async () => {
    const t = fake([{ status: 202, body: JSON.stringify({ accepted: 1, rejected: [{ index: 1, reason: 'name: too long' }] }) }])
    const onDrop = vi.fn()
    const c = core(t, { onDrop })
    const a = ev()
    const b = ev()
    c.enqueue(a)
    c.enqueue(b)
    await c.flush()
    expect(onDrop).toHaveBeenCalledWith([b], 'rejected', 'name: too long')
  })

  it('fetches a new token once on a 401 and resends', async () => {
    const t = fake([{ status: 401, body: JSON.stringify({ error: { code: 'ERR_TOKEN_EXPIRED', message: '' } }) }])
    let k = 0
    const token = vi.fn(async () => ({ token: 't' + ++k, expiresAt: Date.now() + 600_000 }))
    const c = core(t, { token })
    c.enqueue(ev())
    await c.flush()
    expect(t.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2'])
    expect(c.stats().sent).toBe(1)
  })

  it('keeps the queue through repeated 401s (a revoked key) until a good token comes', async () => {
    const e401 = { status: 401, body: JSON.stringify({ error: { code: 'ERR_TOKEN_UNKNOWN_KEY', message: '' } }) }
    const t = fake([e401, e401, e401, e401])
    let k = 0
    const c = core(t, { token: async () => ({ token: 't' + ++k, expiresAt: Date.now() + 600_000 }) })
    const e = ev()
    c.enqueue(e)
    await c.flush()
    expect(c.stats()).toMatchObject({ queued: 1, dropped: 0 })
    await vi.waitFor(() => expect(c.stats().sent).toBe(1))
    expect(new Set(t.ids())).toEqual(new Set([e.id]))
  })

  it('waits while no token can be had', async () => {
    let up = false
    const t = fake()
    const c = core(t, {
      token: async () => {
        if (!up) throw new Error('token endpoint down')
        return { token: 'ok', expiresAt: Date.now() + 600_000 }
      },
    })
    c.enqueue(ev())
    await c.flush()
    await tick(30)
    expect(t.requests).toHaveLength(0)
    expect(c.stats().queued).toBe(1)
    up = true
    await vi.waitFor(() => expect(c.stats().sent).toBe(1))
  })
})

describe('createCore: flush and close', () => {
  it('flush resolves only once the request in flight has finished', async () => {
    let answer!: (r: TransportResponse) => void
    const t = fake([new Promise<TransportResponse>((r) => (answer = r))])
    const c = core(t)
    c.enqueue(ev())
    let done = false
    const f = c.flush().then(() => (done = true))
    await tick(20)
    expect(done).toBe(false)
    answer(accepted(1))
    await f
    expect(c.stats()).toMatchObject({ queued: 0, sent: 1 })
  })

  it('close retries through backoff until delivered', async () => {
    const t = fake([{ status: 503 }, { status: 503 }, 'throw'])
    const c = core(t, { flushInterval: 60_000 })
    for (let i = 0; i < 3; i++) c.enqueue(ev())
    await c.close({ timeout: 2000 })
    expect(c.stats()).toEqual({ queued: 0, sent: 3, dropped: 0 })
    c.enqueue(ev())
    expect(c.stats().dropped).toBe(1)
  })

  it('close gives up at the timeout and persists what is left', async () => {
    const t = fake(Array.from({ length: 100 }, () => ({ status: 503 })))
    const data = new Map<string, string>()
    const storage: KeyValueStore = { get: (k) => data.get(k), set: (k, v) => void data.set(k, v), remove: (k) => void data.delete(k) }
    const c = core(t, { storage })
    c.enqueue(ev())
    const t0 = Date.now()
    await c.close({ timeout: 150 })
    expect(Date.now() - t0).toBeLessThan(400)
    expect(JSON.parse(data.get('tally:v1:q')!).e).toHaveLength(1)
  })

  it('keepalive flush sends everything at once, in chunks under the budget', async () => {
    const t = fake()
    const c = core(t, { token: 'tok', tokenInBody: true, maxKeepaliveBytes: 10_000, flushInterval: 50, flushAt: 1000 })
    for (let i = 0; i < 30; i++) c.enqueue(ev({ v: 'y'.repeat(500) }))
    await c.flush({ keepalive: true })
    expect(t.requests.length).toBeGreaterThan(0)
    const total = t.requests.reduce((s, r) => s + r.body.length, 0)
    expect(total).toBeLessThanOrEqual(10_000)
    for (const r of t.requests) expect(r.keepalive).toBe(true)
    // what did not fit is sent normally afterwards
    await vi.waitFor(() => expect(c.stats().sent).toBe(30))
  })
})

describe('createCore: persistence', () => {
  const memory = () => {
    const data = new Map<string, string>()
    const store: KeyValueStore = { get: (k) => data.get(k), set: (k, v) => void data.set(k, v), remove: (k) => void data.delete(k) }
    return { data, store }
  }

  it('persists the queue and replays it in the next instance, same ids', async () => {
    const { data, store } = memory()
    const down = fake(Array.from({ length: 100 }, () => 'throw' as const))
    const a = core(down, { storage: store, flushInterval: 60_000 })
    const evs = [ev(), ev()]
    for (const e of evs) a.enqueue(e)
    await tick()
    expect(JSON.parse(data.get('tally:v1:q')!).e.map((e: WireEvent) => e.id)).toEqual(evs.map((e) => e.id))
    await a.close({ timeout: 0 })
    const up = fake()
    const b = core(up, { storage: store })
    await vi.waitFor(() => expect(b.stats().sent).toBe(2))
    expect(up.ids()).toEqual(evs.map((e) => e.id))
    await tick()
    expect(data.has('tally:v1:q')).toBe(false)
  })

  it('works with async storage, keeping events queued before it loaded', async () => {
    const { data, store } = memory()
    const old = ev()
    data.set('tally:v1:q', JSON.stringify({ t: 1, e: [old] }))
    const slow: KeyValueStore = {
      get: async (k) => (await tick(20), store.get(k)),
      set: async (k, v) => store.set(k, v),
      remove: async (k) => store.remove(k),
    }
    const t = fake()
    const c = core(t, { storage: slow })
    const fresh = ev()
    c.enqueue(fresh)
    await vi.waitFor(() => expect(c.stats().sent).toBe(2))
    expect(t.ids()).toEqual([old.id, fresh.id])
  })

  it('survives storage that throws (full or disabled)', async () => {
    const boom = () => {
      throw new DOMException('full', 'QuotaExceededError')
    }
    const t = fake()
    const c = core(t, { storage: { get: boom, set: boom, remove: boom } })
    c.enqueue(ev())
    c.persist()
    await c.flush()
    expect(c.stats().sent).toBe(1)
    const r = core(t, { storage: { get: () => Promise.reject(new Error('x')), set: () => Promise.reject(new Error('y')), remove: boom } })
    r.enqueue(ev())
    await tick()
    await r.flush()
    expect(r.stats().sent).toBe(1)
  })

  it('ignores a corrupt stored queue', async () => {
    const { data, store } = memory()
    data.set('tally:v1:q', '{not json')
    const t = fake()
    const c = core(t, { storage: store })
    c.enqueue(ev())
    await c.flush()
    expect(c.stats().sent).toBe(1)
  })

  it('marks a released queue with t = 0 until owned again', () => {
    const { data, store } = memory()
    const c = core(fake(), { storage: store, flushInterval: 60_000 })
    c.enqueue(ev())
    c.persist(true)
    expect(JSON.parse(data.get('tally:v1:q')!).t).toBe(0)
    c.enqueue(ev())
    expect(JSON.parse(data.get('tally:v1:q')!).t).toBe(0)
    c.persist(false)
    expect(JSON.parse(data.get('tally:v1:q')!).t).toBeGreaterThan(0)
  })
})
