import { describe, expect, it } from 'vitest'
import { backoff } from './backoff.js'

describe('backoff', () => {
  it('grows exponentially from base and caps at max', () => {
    const d = (n: number) => backoff(n, { jitter: 0 })
    expect([1, 2, 3, 4].map(d)).toEqual([1000, 2000, 4000, 8000])
    expect(d(7)).toBe(60000)
    expect(d(100)).toBe(60000)
  })
  it('jitters within [d × (1 − jitter), d]', () => {
    expect(backoff(3, {}, () => 0)).toBe(4000)
    expect(backoff(3, {}, () => 0.999999)).toBe(2000)
    for (let i = 0; i < 200; i++) {
      const v = backoff(2)
      expect(v).toBeGreaterThanOrEqual(1000)
      expect(v).toBeLessThanOrEqual(2000)
    }
  })
  it('honours its options', () => {
    expect(backoff(3, { base: 100, factor: 3, max: 500, jitter: 0 })).toBe(500)
    expect(backoff(2, { base: 100, factor: 3, jitter: 0 })).toBe(300)
    expect(backoff(0, { jitter: 0 })).toBe(1000)
  })
})
