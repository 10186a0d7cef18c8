import { describe, expect, it, vi } from 'vitest'
import { boundedQueue, takeBatch, utf8Length, type QueueItem } from './queue.js'
import type { WireEvent } from './types.js'

const ev = (i: number): WireEvent => ({ id: 'id' + i, type: 'track', name: 'e', ts: i })

describe('utf8Length', () => {
  it('counts UTF-8 bytes like TextEncoder', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀é€z', '中文字符']) expect(utf8Length(s)).toBe(new TextEncoder().encode(s).length)
  })
})

describe('boundedQueue', () => {
  it('drops the oldest waiting event when full by count, and says so', () => {
    const onDrop = vi.fn()
    const q = boundedQueue(3, 1e9, onDrop)
    for (let i = 0; i < 5; i++) q.add_(ev(i), 10)
    expect(q.items_.map((x) => x.event_.ts)).toEqual([2, 3, 4])
    expect(onDrop.mock.calls).toEqual([
      [[ev(0)], 'overflow'],
      [[ev(1)], 'overflow'],
    ])
  })
  it('bounds bytes too', () => {
    const onDrop = vi.fn()
    const q = boundedQueue(100, 25, onDrop)
    q.add_(ev(0), 10)
    q.add_(ev(1), 10)
    q.add_(ev(2), 10)
    expect(q.items_.map((x) => x.event_.ts)).toEqual([1, 2])
  })
  it('never evicts events in flight; drops the new one instead', () => {
    const onDrop = vi.fn()
    const q = boundedQueue(2, 1e9, onDrop)
    q.add_(ev(0), 1)
    q.add_(ev(1), 1)
    for (const x of q.items_) x.sending_ = true
    q.add_(ev(2), 1)
    expect(q.items_.map((x) => x.event_.ts)).toEqual([0, 1])
    expect(onDrop).toHaveBeenCalledWith([ev(2)], 'overflow')
  })
  it('removes delivered items and keeps the byte count', () => {
    const onDrop = vi.fn()
    const q = boundedQueue(10, 12, onDrop)
    q.add_(ev(0), 5)
    q.add_(ev(1), 7)
    q.remove_([q.items_[0]!])
    q.add_(ev(2), 5)
    expect(q.items_.map((x) => x.event_.ts)).toEqual([1, 2])
    expect(onDrop).not.toHaveBeenCalled()
  })
})

describe('takeBatch', () => {
  const items = (sizes: number[]): QueueItem[] => sizes.map((bytes, i) => ({ event_: ev(i), bytes_: bytes, queued_: 0, tries_: 0 }))
  it('takes by count', () => {
    expect(takeBatch(items([1, 1, 1, 1]), 3, 1e6, 10)).toHaveLength(3)
  })
  it('takes by body bytes (overhead + each event + a comma)', () => {
    expect(takeBatch(items([10, 10, 10]), 100, 10 + 22, 10)).toHaveLength(2)
    expect(takeBatch(items([10, 10, 10]), 100, 10 + 21, 10)).toHaveLength(1)
  })
  it('skips items in flight', () => {
    const it = items([1, 1, 1])
    it[0]!.sending_ = true
    expect(takeBatch(it, 100, 1e6, 0).map((q) => q.event_.ts)).toEqual([1, 2])
  })
  it('takes one oversized item alone, unless strict', () => {
    expect(takeBatch(items([50, 1]), 100, 20, 0)).toHaveLength(1)
    expect(takeBatch(items([50, 1]), 100, 20, 0, true)).toHaveLength(0)
  })
})
