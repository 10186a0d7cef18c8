import { describe, expect, it, vi } from 'vitest'
import { expire, MAX_ATTEMPTS, MAX_EVENT_AGE_MS } from './caps.js'
import { createCore, type CoreOptions } from './client.js'
import type { QueueItem } from './queue.js'
import type { KeyValueStore, PersistedQueue } from './store.js'
import type { TransportRequest, TransportResponse } from './transport.js'
import type { WireBatch, WireEvent } from './types.js'

let n = 0
const ev = (): WireEvent => ({ id: 'c' + ++n, type: 'track', name: 'x', ts: 1 })
const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms))
const HOUR = 60 * 60 * 1000

/** A transport answering from a script (then 202); `'throw'`: no answer; `'hang'`: an answer that never comes. */
function fake(script: (TransportResponse | 'throw' | 'hang')[] = []) {
  const sent: string[][] = []
  const transport = vi.fn(async (r: TransportRequest): Promise<TransportResponse> => {
    const events = (JSON.parse(r.body) as WireBatch).events
    sent.push(events.map((e) => e.id))
    const next = script.shift()
    if (next === 'throw') throw new TypeError('Failed to fetch')
    if (next === 'hang') return new Promise(() => {})
    return next ?? { status: 202, body: JSON.stringify({ accepted: events.length, rejected: [] }) }
  })
  return { transport, sent }
}
function memory() {
  const data = new Map<string, string>()
  const store: KeyValueStore = { get: (k) => data.get(k), set: (k, v) => void data.set(k, v), remove: (k) => void data.delete(k) }
  const stored = () => JSON.parse(data.get('tally:v1:q') ?? 'null') as PersistedQueue | null
  return { data, store, stored }
}
const core = (t: ReturnType<typeof fake>, o: Partial<CoreOptions> = {}) =>
  createCore({ endpoint: 'http://c.test', transport: t.transport, flushInterval: 10, backoff: { base: 1, max: 2, jitter: 0 }, ...o })

describe('expire', () => {
  const item = (queued: number, tries: number, sending?: boolean): QueueItem => ({ event_: ev(), bytes_: 1, queued_: queued, tries_: tries, sending_: sending })

  it('drops waiting events past the age or the attempt cap, one report per cause, and keeps those in flight', () => {
    const now = Date.now()
    const items = [item(now, 0), item(now - 2 * HOUR, 0), item(now, 5), item(now - 2 * HOUR, 9, true)]
    const [fresh, old, tried, inFlight] = items
    const drop = vi.fn()
    const remove = (done: QueueItem[]) => done.forEach((q) => items.splice(items.indexOf(q), 1))
    expire(items, remove, drop, HOUR, 5)
    expect(items).toEqual([fresh, inFlight])
    expect(drop.mock.calls).toEqual([
      [[old!.event_], 'expired', 'age'],
      [[tried!.event_], 'expired', 'attempts'],
    ])
  })

  it('defaults: 24 hours, 100 attempts', () => {
    expect([MAX_EVENT_AGE_MS, MAX_ATTEMPTS]).toEqual([24 * HOUR, 100])
  })
})

describe('createCore: ages and attempts', () => {
  it('stores when each event was first queued and its attempts; only answered failures count', async () => {
    const { store, stored } = memory()
    const c = core(fake([{ status: 503 }, 'throw', { status: 500 }, 'hang']), { storage: store })
    const before = Date.now()
    c.enqueue(ev())
    await vi.waitFor(() => expect(stored()?.a).toEqual([2])) // 503, no answer (not counted), 500
    const q = stored()!
    expect(q.q![0]).toBeGreaterThanOrEqual(before)
    expect(q.q![0]).toBeLessThanOrEqual(Date.now())
  })

  it('drops an event after maxAttempts answered failures, reported, and sends it no more', async () => {
    const onDrop = vi.fn()
    const t = fake(Array.from({ length: 10 }, () => ({ status: 503 })))
    const c = core(t, { maxAttempts: 3, onDrop })
    const e = ev()
    c.enqueue(e)
    await vi.waitFor(() => expect(onDrop).toHaveBeenCalledWith([e], 'expired', 'attempts'))
    expect(t.sent).toHaveLength(3)
    expect(c.stats()).toMatchObject({ queued: 0, dropped: 1, sent: 0 })
    await tick(20)
    expect(t.sent).toHaveLength(3)
  })

  it('a stored event older than maxEventAgeMs is dropped when read, reported, never sent; a younger one is sent', async () => {
    const { data, store } = memory()
    const [old, young] = [ev(), ev()]
    data.set('tally:v1:q', JSON.stringify({ t: 1, e: [old, young], q: [Date.now() - 25 * HOUR, Date.now() - 23 * HOUR], a: [0, 0] }))
    const onDrop = vi.fn()
    const t = fake()
    const c = core(t, { storage: store, onDrop })
    await vi.waitFor(() => expect(c.stats().sent).toBe(1))
    expect(t.sent).toEqual([[young.id]])
    expect(onDrop.mock.calls).toEqual([[[old], 'expired', 'age']])
  })

  it('keeps its age across instances: it expires by when it was first queued, not when it was read back', async () => {
    const { data, store } = memory()
    const down = fake(['throw'])
    const a = core(down, { storage: store, flushInterval: 60_000 })
    a.enqueue(ev())
    const queuedAt = JSON.parse(data.get('tally:v1:q')!).q[0] as number
    await a.close({ timeout: 0 })
    vi.useFakeTimers({ now: queuedAt + 2 * HOUR, toFake: ['Date'] })
    try {
      const onDrop = vi.fn()
      const b = core(fake(), { storage: store, maxEventAgeMs: HOUR, onDrop })
      expect(onDrop).toHaveBeenCalledWith([expect.any(Object)], 'expired', 'age')
      expect(b.stats().queued).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('reads a queue stored before ages and attempts existed: its events are sent', async () => {
    const { data, store } = memory()
    const legacy = ev()
    data.set('tally:v1:q', JSON.stringify({ t: 1, e: [legacy] }))
    const t = fake()
    const c = core(t, { storage: store })
    await vi.waitFor(() => expect(c.stats().sent).toBe(1))
    expect(t.sent).toEqual([[legacy.id]])
  })

  it('restore (another tab’s queue) keeps ages and attempts: what is past a cap is dropped', async () => {
    const onDrop = vi.fn()
    const t = fake()
    const c = core(t, { maxAttempts: 5, onDrop })
    const [old, tried, ok] = [ev(), ev(), ev()]
    c.restore({ t: 0, e: [old, tried, ok], q: [Date.now() - 25 * HOUR, Date.now(), Date.now()], a: [0, 5, 4] })
    await vi.waitFor(() => expect(c.stats().sent).toBe(1))
    expect(t.sent).toEqual([[ok.id]])
    expect(onDrop.mock.calls).toEqual([
      [[old], 'expired', 'age'],
      [[tried], 'expired', 'attempts'],
    ])
  })
})

describe('createCore: keepalive at unload', () => {
  it('after a 2xx, events handed to a keepalive request leave storage (nobody will hear the answer)', async () => {
    const { store, stored } = memory()
    const t = fake([{ status: 202, body: '{"accepted":1,"rejected":[]}' }, 'hang'])
    const c = core(t, { storage: store, flushInterval: 60_000 })
    c.enqueue(ev())
    await c.flush() // the collector answers 2xx
    c.enqueue(ev())
    void c.flush({ keepalive: true })
    c.persist(true) // what the tracker does at pagehide
    await vi.waitFor(() => expect(t.sent).toHaveLength(2))
    expect(stored()).toBeNull()
  })

  it('without a 2xx first, they stay stored (a later instance sends them again, same ids)', async () => {
    const { store, stored } = memory()
    const t = fake(['hang'])
    const c = core(t, { storage: store, flushInterval: 60_000 })
    const e = ev()
    c.enqueue(e)
    void c.flush({ keepalive: true })
    c.persist(true)
    await vi.waitFor(() => expect(t.sent).toHaveLength(1))
    await tick()
    expect(stored()).toMatchObject({ t: 0, e: [e] })
  })

  it('a keepalive answered with an error while the page lives: stored again, one attempt more', async () => {
    const { store, stored } = memory()
    const t = fake([{ status: 202 }, { status: 503 }, 'hang'])
    const c = core(t, { storage: store, flushInterval: 60_000, backoff: { base: 60_000 } })
    c.enqueue(ev())
    await c.flush()
    const e = ev()
    c.enqueue(e)
    await c.flush({ keepalive: true })
    expect(stored()).toMatchObject({ e: [e], a: [1] })
  })
})
