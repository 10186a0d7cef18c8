import { afterEach, describe, expect, it, vi } from 'vitest'
import { expiryMs, tokenProvider } from './token.js'

const T0 = Date.parse('2025-01-01T00:00:00Z')

describe('tokenProvider', () => {
  afterEach(() => vi.useRealTimers())

  it('passes a static token through', async () => {
    expect(await tokenProvider('abc').get()).toBe('abc')
    expect(await tokenProvider(undefined).get()).toBeUndefined()
  })

  it('caches until shortly before expiry, then refetches', async () => {
    vi.useFakeTimers({ now: T0 })
    let n = 0
    const fetcher = vi.fn(async () => ({ token: 't' + ++n, expiresAt: Date.now() + 300_000 }))
    const p = tokenProvider(fetcher)
    expect(await p.get()).toBe('t1')
    vi.setSystemTime(T0 + 269_000)
    expect(await p.get()).toBe('t1')
    vi.setSystemTime(T0 + 271_000)
    expect(await p.get()).toBe('t2')
    expect(fetcher).toHaveBeenCalledTimes(2)
  })

  it('refreshes half-way through a short life', async () => {
    vi.useFakeTimers({ now: T0 })
    let n = 0
    const p = tokenProvider(async () => ({ token: 't' + ++n, expiresAt: new Date(Date.now() + 10_000) }))
    expect(await p.get()).toBe('t1')
    vi.setSystemTime(T0 + 4_000)
    expect(await p.get()).toBe('t1')
    vi.setSystemTime(T0 + 6_000)
    expect(await p.get()).toBe('t2')
  })

  it('shares one fetch between concurrent callers', async () => {
    const fetcher = vi.fn(async () => ({ token: 'x', expiresAt: Date.now() + 60_000 }))
    const p = tokenProvider(fetcher)
    expect(await Promise.all([p.get(), p.get(), p.get()])).toEqual(['x', 'x', 'x'])
    expect(fetcher).toHaveBeenCalledTimes(1)
  })

  it('refetches after invalidate (a 401)', async () => {
    let n = 0
    const p = tokenProvider(async () => ({ token: 't' + ++n, expiresAt: Date.now() + 60_000 }))
    expect(await p.get()).toBe('t1')
    p.invalidate()
    expect(await p.get()).toBe('t2')
  })

  it('rejects while no token can be had, and recovers', async () => {
    let fail = true
    const p = tokenProvider(async () => {
      if (fail) throw new Error('down')
      return { token: 'ok', expiresAt: Date.now() + 60_000 }
    })
    await expect(p.get()).rejects.toThrow('down')
    fail = false
    expect(await p.get()).toBe('ok')
  })
})

describe('expiryMs', () => {
  it('reads ms, seconds, ISO strings and dates', () => {
    expect(expiryMs(1_700_000_000_000)).toBe(1_700_000_000_000)
    expect(expiryMs(1_700_000_000)).toBe(1_700_000_000_000)
    expect(expiryMs('2023-11-14T22:13:20.000Z')).toBe(1_700_000_000_000)
    expect(expiryMs(new Date(1_700_000_000_000))).toBe(1_700_000_000_000)
  })
})
