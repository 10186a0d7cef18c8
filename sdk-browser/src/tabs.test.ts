import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PersistedQueue } from './core/store.js'
import type { WireEvent } from './core/types.js'
import { adoptOrphans, CLAIM_MS, QUEUE_PREFIX, STALE_MS } from './tabs.js'
import { localStore } from './storage.js'

const ev = (id: string): WireEvent => ({ id, type: 'track', name: 'x', ts: 1 })
const ids = (q: PersistedQueue) => q.e.map((e) => e.id)

/** One origin's localStorage, shared by "tabs" in this test. */
function origin() {
  const m = new Map<string, string>()
  const storage = {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  }
  // Object.keys(localStorage) lists the stored keys, as in browsers.
  const proxy = new Proxy(storage, { ownKeys: () => [...m.keys()], getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }) })
  return { m, proxy }
}

describe('adoptOrphans', () => {
  let o: ReturnType<typeof origin>
  beforeEach(() => {
    vi.useFakeTimers()
    o = origin()
    vi.stubGlobal('localStorage', o.proxy)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  it('takes a released queue: events queued again with their ids, old key removed after the claim stood', () => {
    o.m.set(QUEUE_PREFIX + 'dead', JSON.stringify({ t: 0, e: [ev('a'), ev('b')] }))
    const got: WireEvent[] = []
    adoptOrphans(localStore(), 'me', (q) => {
      // restored (and persisted by the core) before the old key goes
      expect(o.m.has(QUEUE_PREFIX + 'dead')).toBe(true)
      got.push(...q.e)
    })
    expect(JSON.parse(o.m.get(QUEUE_PREFIX + 'dead')!).c).toBe('me')
    expect(got).toEqual([])
    vi.advanceTimersByTime(CLAIM_MS)
    expect(got.map((e) => e.id)).toEqual(['a', 'b'])
    expect(o.m.has(QUEUE_PREFIX + 'dead')).toBe(false)
  })

  it('takes a stale queue (a tab that died without pagehide), leaves a live one', () => {
    vi.setSystemTime(10 * STALE_MS)
    o.m.set(QUEUE_PREFIX + 'crashed', JSON.stringify({ t: Date.now() - STALE_MS - 1, e: [ev('a')] }))
    o.m.set(QUEUE_PREFIX + 'alive', JSON.stringify({ t: Date.now() - 1000, e: [ev('b')] }))
    o.m.set('unrelated', 'x')
    const got: string[] = []
    adoptOrphans(localStore(), 'me', (q) => got.push(...ids(q)))
    vi.advanceTimersByTime(CLAIM_MS)
    expect(got).toEqual(['a'])
    expect(o.m.has(QUEUE_PREFIX + 'alive')).toBe(true)
  })

  it('of two tabs claiming at once, only the last writer takes the queue', () => {
    const key = QUEUE_PREFIX + 'dead'
    o.m.set(key, JSON.stringify({ t: 0, e: [ev('a')] }))
    const ls = localStore()
    // Both tabs read the queue as released before either claim is visible to the other.
    const released = o.m.get(key)!
    let staleReads = 2
    const lagging = { ...ls, get: (k: string) => (k === key && staleReads-- > 0 ? released : ls.get(k)) }
    const a: string[] = []
    const b: string[] = []
    adoptOrphans(lagging, 'tab-a', (q) => a.push(...ids(q)))
    adoptOrphans(lagging, 'tab-b', (q) => b.push(...ids(q)))
    vi.advanceTimersByTime(CLAIM_MS)
    expect([a, b]).toEqual([[], ['a']])
  })

  it('a tab arriving after a claim sees the queue as live and leaves it', () => {
    o.m.set(QUEUE_PREFIX + 'dead', JSON.stringify({ t: 0, e: [ev('a')] }))
    const a: string[] = []
    const b: string[] = []
    adoptOrphans(localStore(), 'tab-a', (q) => a.push(...ids(q)))
    adoptOrphans(localStore(), 'tab-b', (q) => b.push(...ids(q)))
    vi.advanceTimersByTime(CLAIM_MS)
    expect([a, b]).toEqual([['a'], []])
  })

  it('a tab leaving before its claim stood gives the queue back to the next page', () => {
    const key = QUEUE_PREFIX + 'dead'
    o.m.set(key, JSON.stringify({ t: 0, e: [ev('a')] }))
    const a: string[] = []
    const leave = adoptOrphans(localStore(), 'tab-a', (q) => a.push(...ids(q)))
    leave() // pagehide within CLAIM_MS
    const b: string[] = []
    adoptOrphans(localStore(), 'tab-b', (q) => b.push(...ids(q)))
    vi.advanceTimersByTime(CLAIM_MS)
    expect([a, b]).toEqual([[], ['a']])
    // and leaving after a claim was taken gives nothing back
    o.m.set(key, JSON.stringify({ t: 0, e: [ev('c')] }))
    const late = adoptOrphans(localStore(), 'tab-c', () => {})
    vi.advanceTimersByTime(CLAIM_MS)
    late()
    expect(o.m.has(key)).toBe(false)
  })

  it('ignores its own queue and unreadable entries', () => {
    o.m.set(QUEUE_PREFIX + 'me', JSON.stringify({ t: 0, e: [ev('mine')] }))
    o.m.set(QUEUE_PREFIX + 'junk', '{not json')
    const got: string[] = []
    adoptOrphans(localStore(), 'me', (q) => got.push(...ids(q)))
    vi.advanceTimersByTime(CLAIM_MS)
    expect(got).toEqual([])
  })
})
