import { describe, expect, it } from 'vitest'
import { Lru } from './lru.js'

describe('Lru', () => {
  it('keeps at most maxEntries, evicting the least recently used', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1).set('b', 2)
    expect(lru.get('a')).toBe(1) // 'a' becomes the most recent
    lru.set('c', 3) // so 'b' goes
    expect(lru.size).toBe(2)
    expect(lru.has('b')).toBe(false)
    expect(lru.get('a')).toBe(1)
    expect(lru.get('c')).toBe(3)
  })

  it('updating a key refreshes it without growing', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1).set('b', 2).set('a', 10).set('c', 3)
    expect(lru.get('a')).toBe(10)
    expect(lru.has('b')).toBe(false)
    expect(lru.size).toBe(2)
  })

  it('peek does not change the order', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1).set('b', 2)
    expect(lru.peek('a')).toBe(1)
    lru.set('c', 3)
    expect(lru.has('a')).toBe(false)
  })

  it('refuses a size that is not a positive integer', () => {
    expect(() => new Lru(0)).toThrow(RangeError)
    expect(() => new Lru(1.5)).toThrow(RangeError)
  })
})
