import { describe, expect, it } from 'vitest'
import { validateEvents } from './validate-events.js'

const good = (over: object = {}) => ({
  id: crypto.randomUUID(),
  type: 'pageview',
  name: 'pageview',
  ts: Date.now(),
  url: 'https://shop.example/a',
  ...over,
})

describe('validateEvents', () => {
  it('keeps valid events and reports each invalid one with its index and field', () => {
    const events = [good(), good({ id: 'not-a-uuid' }), good({ type: 'purchase' }), good({ props: { plan: 'pro', seats: 3, trial: false } })]
    const out = validateEvents(events, 1000)
    expect(out.valid).toHaveLength(2)
    expect(out.rejected.map((r) => [r.index, r.reason])).toEqual([
      [1, 'invalid:id'],
      [2, 'invalid:type'],
    ])
  })

  it('refuses nested props and non-objects', () => {
    const out = validateEvents([good({ props: { a: { b: 1 } } }), 'hello', null], 1000)
    expect(out.valid).toHaveLength(0)
    expect(out.rejected.map((r) => r.reason)).toEqual(['invalid:props', 'invalid:event', 'invalid:event'])
    expect(out.rejected[0]!.message).toMatch(/^props\.a: /)
  })

  it('keeps reasons few whatever the sender invents (they become metric labels)', () => {
    const events = Array.from({ length: 20 }, (_, i) => good({ props: { [`key_${i}_${Math.random()}`]: { nested: true } } }))
    expect(new Set(validateEvents(events, 1000).rejected.map((r) => r.reason))).toEqual(new Set(['invalid:props']))
  })

  it('refuses an event over 32 KB', () => {
    const big = good({ props: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'x'.repeat(4000)])) })
    const out = validateEvents([big, good()], 50_000)
    expect(out.rejected.map((r) => r.reason)).toEqual(['too_large'])
    expect(out.valid).toHaveLength(1)
  })
})
