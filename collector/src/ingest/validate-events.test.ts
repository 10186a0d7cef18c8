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

// What storage cannot hold is refused at the door (findings of test/collector/fuzz.test.ts).
const reasons = (events: unknown[], bodyBytes = 1000) => validateEvents(events, bodyBytes).rejected.map((r) => r.reason)
const STRING_FIELDS = ['name', 'anon_id', 'session_id', 'user_id', 'url', 'referrer', 'title', 'screen', 'locale', 'timezone'] as const

describe('validateEvents: strings storage can hold', () => {
  it('refuses a lone surrogate in every string field, prop key and prop value (ClickHouse refuses the row later)', () => {
    for (const lone of ['\ud800', '\udfff', 'a\ud83d', '\ude00b']) {
      expect(reasons(STRING_FIELDS.map((field) => good({ [field]: `x${lone}` })))).toEqual(STRING_FIELDS.map((f) => `invalid:${f}`))
      expect(reasons([good({ props: { [`k${lone}`]: 'v' } }), good({ props: { k: `v${lone}` } })])).toEqual(['invalid:props', 'invalid:props'])
    }
    expect(validateEvents([good({ title: 'a\ud800' })], 1000).rejected[0]!.message).toBe('title: is not well-formed UTF-16 (a lone surrogate)')
  })

  it('refuses control characters in identifiers, and all but tab, LF and CR in free text', () => {
    for (const control of ['\u0000', '\u0001', '\t', '\n', '\r', '\u001f', '\u007f', '\u0085', '\u009f']) {
      expect(reasons(STRING_FIELDS.filter((f) => f !== 'title').map((field) => good({ [field]: `a${control}b` })))).toEqual(
        STRING_FIELDS.filter((f) => f !== 'title').map((f) => `invalid:${f}`),
      )
      expect(reasons([good({ props: { [`a${control}`]: 'v' } })])).toEqual(['invalid:props'])
    }
    const free = validateEvents([good({ title: 'Line 1\r\n\tLine 2', props: { note: 'a\tb\nc\r' } })], 1000)
    expect(free.valid.map((e) => [e.title, e.props])).toEqual([['Line 1\r\n\tLine 2', { note: 'a\tb\nc\r' }]])
    for (const control of ['\u0000', '\u0008', '\u000b', '\u001b', '\u007f', '\u0080', '\u009f']) {
      expect(reasons([good({ title: `a${control}` }), good({ props: { k: `a${control}` } })])).toEqual(['invalid:title', 'invalid:props'])
    }
  })

  it('keeps every other code point as sent: emoji, combining marks, U+2028, BOM, noncharacters', () => {
    const text = '😀 e\u0301 \u2028 \ufeff \uffff \u{10ffff} 中文 \u00a0'
    const out = validateEvents([good({ name: text, title: text, url: `https://shop.example/${text}`, props: { [text]: text } })], 1000)
    expect(out.rejected).toEqual([])
    expect(out.valid[0]).toMatchObject({ name: text, title: text, props: { [text]: text } })
  })

  it('refuses a blank name or prop key, and a "__proto__" key that would be dropped after a 202', () => {
    expect(reasons([good({ name: '   ' }), good({ props: { ' ': 'v' } }), good({ props: JSON.parse('{"__proto__":"v","ok":1}') })])).toEqual([
      'invalid:name',
      'invalid:props',
      'invalid:props',
    ])
    const kept = validateEvents([good({ props: { constructor: 'c', toString: 't', hasOwnProperty: 'h' } })], 1000)
    expect(Object.entries(kept.valid[0]!.props!)).toEqual([['constructor', 'c'], ['toString', 't'], ['hasOwnProperty', 'h']])
  })

  it('counts lengths in code points, exactly at the limits', () => {
    expect(reasons([good({ props: { ['k'.repeat(128)]: 'v' } }), good({ props: { ['k'.repeat(129)]: 'v' } }), good({ title: '😀'.repeat(1024) }), good({ title: `${'😀'.repeat(1024)}a` })])).toEqual([
      'invalid:props',
      'invalid:title',
    ])
  })

  it('quotes at most 160 characters of a field path in a message (a prop key is the sender’s)', () => {
    const [rejection] = validateEvents([good({ props: { ['k'.repeat(20_000)]: 'v' } })], 30_000).rejected
    expect(rejection!.message.length).toBeLessThan(300)
  })
})

describe('validateEvents: ids and numbers', () => {
  it('accepts a UUID in any case and keeps it lower case; refuses the nil and max UUIDs, braces, URNs and bare hex', () => {
    const id = crypto.randomUUID()
    expect(validateEvents([good({ id: id.toUpperCase() })], 1000).valid[0]!.id).toBe(id)
    const odd = ['00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', `{${id}}`, `urn:uuid:${id}`, id.replace(/-/g, ''), ` ${id}`]
    expect(reasons(odd.map((bad) => good({ id: bad })))).toEqual(odd.map(() => 'invalid:id'))
  })

  it('takes times up to what DateTime64(3) holds (2299-12-31), integers only', () => {
    const max = Date.UTC(2299, 11, 31, 23, 59, 59, 999)
    expect(reasons([good({ ts: max }), good({ ts: max + 1 }), good({ ts: Number.MAX_SAFE_INTEGER }), good({ ts: -1 }), good({ ts: 1.5 }), good({ ts: '1' })])).toEqual([
      'invalid:ts',
      'invalid:ts',
      'invalid:ts',
      'invalid:ts',
      'invalid:ts',
    ])
  })

  it('refuses non-finite prop numbers (1e999 in JSON) and keeps the rest as doubles', () => {
    const body = JSON.parse('[{"big":1e999},{"small":-1e999},{"max":1.7976931348623157e308,"tiny":5e-324,"neg":-0}]') as object[]
    const out = validateEvents(body.map((props) => good({ props })), 1000)
    expect(out.rejected.map((r) => r.reason)).toEqual(['invalid:props', 'invalid:props'])
    expect(out.valid[0]!.props).toEqual({ max: 1.7976931348623157e308, tiny: 5e-324, neg: -0 })
  })
})

describe('validateEvents: rejected payloads storage can hold', () => {
  it('refuses an event nested deeper than JSON.stringify can go, without throwing', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown
    for (const bodyBytes of [1000, 300_000]) {
      const out = validateEvents([deep, good()], bodyBytes)
      expect(out.rejected.map((r) => [r.index, r.reason])).toEqual([[0, 'invalid:event']])
      expect(out.rejected[0]!.payload.length).toBeLessThan(100)
      expect(out.valid).toHaveLength(1)
    }
  })

  it('cuts the payload of a too large event between code points, never inside a surrogate pair', () => {
    for (const pad of [0, 1]) {
      const big = good({ props: { ['p'.repeat(pad)]: 'x', big: '😀'.repeat(20_000) } })
      const [rejection] = validateEvents([big], 100_000).rejected
      expect(rejection!.reason).toBe('too_large')
      expect(rejection!.payload.length).toBeLessThanOrEqual(32 * 1024)
      expect(rejection!.payload.length).toBeGreaterThan(32 * 1024 - 2)
      expect((rejection!.payload as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true)
    }
  })

  it('keeps the payload of a refused event as JSON that stores as sent (lone surrogates escaped)', () => {
    const [rejection] = validateEvents([good({ title: 'a\ud800' })], 1000).rejected
    expect(JSON.parse(rejection!.payload).title).toBe('a\ud800')
    expect(rejection!.payload).toContain('\\ud800')
  })
})

describe('batchEnvelopeSchema', () => {
  it('takes sent_at up to what DateTime64(3) holds, as an integer', async () => {
    const { batchEnvelopeSchema } = await import('../protocol/batch.js')
    const ok = (sent_at: unknown) => batchEnvelopeSchema.safeParse({ sent_at, events: [{}] }).success
    expect([Date.now(), Date.UTC(2299, 11, 31, 23, 59, 59, 999)].map(ok)).toEqual([true, true])
    expect([Date.UTC(2300, 0, 1), Number.MAX_SAFE_INTEGER, 1e308, -1, 1.5, '1', null].map(ok)).toEqual([false, false, false, false, false, false, false])
  })
})
