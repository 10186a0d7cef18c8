import { afterEach, describe, expect, it, vi } from 'vitest'
import { uuid } from './uuid.js'

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

describe('uuid', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('uses crypto.randomUUID when present', () => {
    expect(uuid()).toMatch(V4)
  })
  it('falls back to getRandomValues (insecure contexts have no randomUUID)', () => {
    vi.stubGlobal('crypto', { getRandomValues: (b: Uint8Array) => b.fill(0xff) })
    expect(uuid()).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff')
  })
  it('falls back to Math.random without crypto', () => {
    vi.stubGlobal('crypto', undefined)
    const ids = new Set(Array.from({ length: 100 }, uuid))
    expect(ids.size).toBe(100)
    for (const id of ids) expect(id).toMatch(V4)
  })
})
