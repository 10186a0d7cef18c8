import { afterEach, describe, expect, it, vi } from 'vitest'
import { localStore, safe } from './storage.js'

/** A Storage-like map, optionally full. */
function fakeStorage(full = false) {
  const m = new Map<string, string>()
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => {
      if (full) throw new DOMException('quota', 'QuotaExceededError')
      m.set(k, v)
    },
    removeItem: (k: string) => void m.delete(k),
    m,
  }
}

describe('localStore', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('reads and writes localStorage', () => {
    const s = fakeStorage()
    vi.stubGlobal('localStorage', s)
    const ls = localStore()
    ls.set('a', '1')
    expect(ls.get('a')).toBe('1')
    ls.remove('a')
    expect(ls.get('a')).toBeNull()
  })

  it('never throws when the quota is exceeded', () => {
    vi.stubGlobal('localStorage', fakeStorage(true))
    expect(() => localStore().set('a', 'x')).not.toThrow()
  })

  it('never throws when localStorage is disabled or missing', () => {
    Object.defineProperty(globalThis, 'localStorage', {
      configurable: true,
      get() {
        throw new DOMException('denied', 'SecurityError')
      },
    })
    const ls = localStore()
    expect(ls.get('a')).toBeUndefined()
    expect(() => ls.set('a', '1')).not.toThrow()
    expect(() => ls.remove('a')).not.toThrow()
    // @ts-expect-error cleanup of the property defined above
    delete globalThis.localStorage
    expect(localStore().get('a')).toBeUndefined()
  })
})

describe('safe', () => {
  it('passes results through and swallows throws', () => {
    expect(safe((a: number) => a + 1)(1)).toBe(2)
    expect(
      safe(() => {
        throw new Error('x')
      })(),
    ).toBeUndefined()
  })
})
