import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { createTallyNode, generateSigningKey, TallyError, type HmacKey } from '../../sdk-node/src/index.js'

// tally.order() against a real collector: the token made from signingKey carries the
// orders scope, money given as numbers or strings arrives exact, close() delivers.
let c: CollectorProcess
let hs: HmacKey

beforeAll(async () => {
  hs = await generateSigningKey({ alg: 'HS256', kid: 'node-orders' })
  c = await startCollector({ keys: [hs] })
})
afterAll(async () => {
  await c?.cleanup()
})

describe('tally.order()', () => {
  it('sends each order state; the rollups follow; the returned id is the event id', async () => {
    const tally = createTallyNode({ endpoint: c.url, signingKey: hs, site: 'test' })
    const startedAt = new Date(Date.UTC(2026, 10, 26, 1, 0))
    const base = { id: 'sdk-1', province: 'Zhejiang', cabinet: 'cab-42', startedAt, currency: 'CNY' } as const
    const id = tally.order({ ...base, version: 1, status: 'open' })
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    tally.order({ ...base, version: 2, status: 'completed', endedAt: startedAt.getTime() + 90 * 60_000, pricePerHour: 3.33 })
    tally.order({ ...base, id: 'sdk-2', version: 1, status: 'completed', amount: '0.10', refunded: 0.05 })
    expect(await tally.close()).toEqual({ delivered: true, unsent: 0 })
    const rows = await c.waitFor<{ revenue: string; orders: string; refunded: string }>(
      `SELECT toString(sum(revenue)) AS revenue, toString(sum(orders)) AS orders, toString(sum(refunded)) AS refunded
       FROM tally.revenue_by_province_daily WHERE site_id = 'test' AND province = 'Zhejiang' AND currency = 'CNY'`,
      (r) => r[0]?.orders === '2' && r[0]?.revenue === '5.05',
    )
    // 1.5 h × 3.33 = 4.995 → 5.00, plus 0.10 − 0.05
    expect(rows[0]).toEqual({ revenue: '5.05', orders: '2', refunded: '0.05' })
    const [event] = await c.sql<{ n: string }>('SELECT count() AS n FROM tally.order_versions WHERE event_id = {id:UUID}', { id })
    expect(Number(event!.n)).toBe(1)
  })

  it('refuses malformed orders at the call site', () => {
    const tally = createTallyNode({ endpoint: c.url, signingKey: hs, site: 'test' })
    const good = { id: 'x', version: 1, status: 'open', province: 'p', cabinet: 'c', startedAt: 0, currency: 'CNY' } as const
    for (const bad of [{ version: 0 }, { version: 1.5 }, { status: 'paid' }, { currency: 'yuan' }, { id: '' }, { startedAt: -1 }, { amount: Number.NaN }, { amount: -1 }]) {
      expect(() => tally.order({ ...good, ...bad } as never), JSON.stringify(bad)).toThrow(TallyError)
    }
    void tally.close()
  })
})
