import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { sendBatch } from '../support/send.js'
import { asMap, expectedRollup, finalStates, orderEvent, rollupQuery, ROLLUP_KEYS, type TestOrder } from '../support/orders.js'

// Done-when of step 5: random order histories through HTTP to a real collector (embedded
// engine, child process) — creates, returns, price corrections, partial and full refunds,
// cancels, deletes, province/cabinet/start-time changes — delivered with duplicates and
// in shuffled order, with a kill -9 and a restart in the middle of each run. Every rollup
// must equal a brute-force recomputation from each order's final state, to the minor unit.
const SITES = ['test', 'other']
const DAY0 = Date.UTC(2026, 10, 20)
const EXP: Record<string, number> = { CNY: 2, JPY: 0, KWD: 3 }

let c: CollectorProcess
const sent: { site: string; order: TestOrder }[] = []
let run = 0

beforeAll(async () => {
  c = await startCollector()
})
afterAll(async () => {
  await c?.cleanup()
})

const money = (minor: number, currency: string) => {
  const e = EXP[currency]!
  const s = String(minor).padStart(e + 1, '0')
  return e === 0 ? s : `${s.slice(0, -e)}.${s.slice(-e)}`
}

/** One version's state (apart from id and version). */
const stateArb = fc
  .record({
    status: fc.constantFrom('open', 'completed', 'completed', 'refunded', 'cancelled', 'deleted'),
    province: fc.constantFrom('Zhejiang', 'Hubei', 'Guangdong'),
    cabinet: fc.constantFrom('cab-1', 'cab-2', 'cab-3'),
    startedAt: fc.integer({ min: 0, max: 3 * 24 * 60 }).map((min) => DAY0 + min * 60_000),
    durationMs: fc.integer({ min: 0, max: 10 * 3_600_000 }),
    byPrice: fc.boolean(),
    price: fc.tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 9999 })).map(([i, f]) => `${i}.${String(f).padStart(4, '0')}`),
    amountMinor: fc.integer({ min: 0, max: 100_000 }),
    refundShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    currency: fc.constantFrom('CNY', 'CNY', 'JPY', 'KWD'),
  })
  .map((s) => (id: string, version: number): TestOrder => {
    const o: TestOrder = { id, version, status: s.status as TestOrder['status'], province: s.province, cabinet: s.cabinet, started_at: s.startedAt, currency: s.currency }
    if (s.status === 'open' || s.status === 'cancelled' || s.status === 'deleted') return o
    if (s.byPrice && s.refundShare === undefined) return { ...o, ended_at: s.startedAt + s.durationMs, price_per_hour: s.price }
    const refunded = s.refundShare === undefined ? undefined : money(Math.floor(s.amountMinor * s.refundShare), s.currency)
    return { ...o, ended_at: s.startedAt + s.durationMs, amount: money(s.amountMinor, s.currency), ...(refunded !== undefined && { refunded }) }
  })

const historyArb = fc.record({
  site: fc.constantFrom(...SITES),
  states: fc.array(stateArb, { minLength: 1, maxLength: 6 }),
  /** Versions as revisions (1, 2, 3…) or as updated_at in ms. */
  msVersions: fc.boolean(),
})

const deliveryArb = fc.record({
  histories: fc.array(historyArb, { minLength: 3, maxLength: 12 }),
  duplicates: fc.array(fc.nat(), { maxLength: 15 }),
  seed: fc.integer(),
  batchSize: fc.integer({ min: 1, max: 20 }),
  killAt: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
})

describe('order histories through HTTP, with duplicates, shuffling and a kill -9', () => {
  it('every rollup equals a brute-force recomputation from the final states', async () => {
    await fc.assert(
      fc.asyncProperty(deliveryArb, async (d) => {
        run++
        const deliveries: { site: string; event: ReturnType<typeof orderEvent>; order: TestOrder }[] = []
        d.histories.forEach((h, i) => {
          const id = `r${run}-o${i}`
          h.states.forEach((make, v) => {
            const order = make(id, h.msVersions ? DAY0 + v * 1000 + 1 : v + 1)
            deliveries.push({ site: h.site, order, event: orderEvent(order) })
          })
        })
        // Duplicates: the same event again (an SDK retry) or the same version in a new event.
        for (const pick of d.duplicates) {
          const dup = deliveries[pick % deliveries.length]!
          deliveries.push(pick % 2 ? dup : { ...dup, event: orderEvent(dup.order) })
        }
        shuffle(deliveries, d.seed)
        const killAfter = Math.floor(deliveries.length * d.killAt)
        for (let i = 0; i < deliveries.length; i += d.batchSize) {
          if (i <= killAfter && killAfter < i + d.batchSize) {
            await c.kill9()
            await c.restart()
          }
          const batch = deliveries.slice(i, i + d.batchSize)
          for (const site of SITES) {
            const mine = batch.filter((x) => x.site === site)
            if (mine.length === 0) continue
            const res = await sendBatch(c.url, mine.map((x) => x.event), { token: await c.token({ site, scope: 'ingest server orders' }) })
            const body = await res.json()
            expect(res.status, JSON.stringify(body)).toBe(202)
            expect(body.accepted).toBe(mine.length)
            sent.push(...mine.map((x) => ({ site, order: x.order })))
          }
        }
        const finals = finalStates(sent)
        for (const rollup of Object.keys(ROLLUP_KEYS)) {
          const expected = expectedRollup(rollup, finals)
          const rows = await c
            .waitFor<{ k: string; o: string; r: string; f: string }>(rollupQuery(rollup), (r) => same(asMap(r), expected), 30_000)
            .catch(() => undefined)
          if (!rows) {
            const actual = asMap(await c.sql(rollupQuery(rollup)))
            expect({ rollup, rows: [...actual].sort() }, c.output.slice(-3000)).toEqual({ rollup, rows: [...expected].sort() })
          }
        }
        const live = finals.filter((f) => f.order.status !== 'deleted').length
        const [current] = await c.sql<{ n: string }>('SELECT count() AS n FROM tally.orders_current')
        expect(Number(current!.n)).toBe(live)
      }),
      { numRuns: 3, endOnFailure: true },
    )
  }, 240_000)
})

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)

function shuffle<T>(xs: T[], seed: number): void {
  let s = seed >>> 0
  for (let i = xs.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const j = s % (i + 1)
    ;[xs[i], xs[j]] = [xs[j]!, xs[i]!]
  }
}
