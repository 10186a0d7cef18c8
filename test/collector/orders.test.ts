import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'
import { asMap, expectedRollup, finalStates, orderEvent, rollupQuery, ROLLUP_KEYS, type TestOrder } from '../support/orders.js'

// Orders through HTTP to a real collector (embedded engine, child process): scopes, the
// rules of each status, and rollups that follow every change exactly once.
let c: CollectorProcess
const sent: { site: string; order: TestOrder }[] = []
const HOUR = 3_600_000
const T0 = Date.UTC(2026, 9, 1, 9, 15)

beforeAll(async () => {
  c = await startCollector()
})
afterAll(async () => {
  await c?.cleanup()
})

const orderToken = (site = 'test') => c.token({ site, scope: 'ingest server orders' })

async function sendOrders(orders: TestOrder[], site = 'test'): Promise<{ accepted: number; rejected: { index: number; reason: string }[] }> {
  const res = await sendBatch(c.url, orders.map((o) => orderEvent(o)), { token: await orderToken(site) })
  const body = await res.json()
  for (const [i, o] of orders.entries()) if (!body.rejected?.some((r: { index: number }) => r.index === i)) sent.push({ site, order: o })
  return body
}

async function expectRollupsMatch(): Promise<void> {
  const finals = finalStates(sent)
  for (const rollup of Object.keys(ROLLUP_KEYS)) {
    const expected = expectedRollup(rollup, finals)
    const rows = await c.waitFor<{ k: string; o: string; r: string; f: string }>(rollupQuery(rollup), (r) => equal(asMap(r), expected), 15_000).catch(async (err) => {
      throw new Error(`${rollup}: ${(err as Error).message}\nexpected ${JSON.stringify([...expected])}\n${c.output.slice(-2000)}`)
    })
    expect(asMap(rows)).toEqual(expected)
  }
}
const equal = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)

const base = (over: Partial<TestOrder>): TestOrder => ({ id: 'o-1', version: 1, status: 'open', province: 'Zhejiang', cabinet: 'cab-1', started_at: T0, currency: 'CNY', ...over })

describe('orders through POST /v1/batch', () => {
  it('an order event from a token without the orders scope is refused (scope:orders), the batch\'s other events are accepted', async () => {
    const res = await sendBatch(c.url, [pageview(), orderEvent(base({ id: 'no-scope' }))], { token: await c.token({ scope: 'ingest' }) })
    expect(res.status).toBe(202)
    const body = await res.json()
    expect(body.accepted).toBe(1)
    expect(body.rejected).toEqual([{ index: 1, reason: 'scope:orders', message: expect.any(String) }])
    const [row] = await c.waitFor<{ n: string }>("SELECT count() AS n FROM tally.rejected_events WHERE reason = 'scope:orders'", (r) => Number(r[0]!.n) === 1)
    expect(Number(row!.n)).toBe(1)
  })

  it('refuses a poisoned version and money finer than the minor unit with a reason', async () => {
    const body = await sendOrders([
      base({ id: 'poison', version: Date.now() + 2 * 24 * HOUR }),
      base({ id: 'fine', status: 'completed', amount: '1.001' }),
      base({ id: 'nothing', status: 'completed' }),
      base({ id: 'refund', status: 'completed', amount: '5', refunded: '6' }),
      base({ id: 'xxx', status: 'completed', amount: '5', currency: 'XXX' }),
    ])
    expect(body.rejected.map((r) => r.reason)).toEqual(['order:version_too_large', 'order:finer_than_minor_unit', 'order:amount_missing', 'order:refund_exceeds_amount', 'order:unknown_currency'])
  })

  it('follows an order through open, return, price correction, moves, refund, delete and a late old version', async () => {
    await sendOrders([base({ version: 1 })])
    await expectRollupsMatch()
    // returned after 90 minutes at 3.33/h: 4.995 → 5.00 (half to even)
    await sendOrders([base({ version: 2, status: 'completed', ended_at: T0 + 1.5 * HOUR, price_per_hour: '3.33' })])
    await expectRollupsMatch()
    // price corrected, moved to another province, cabinet and day
    await sendOrders([base({ version: 3, status: 'completed', ended_at: T0 + 30 * HOUR, started_at: T0 + 24 * HOUR, price_per_hour: '2', province: 'Hubei', cabinet: 'cab-9' })])
    await expectRollupsMatch()
    await sendOrders([base({ version: 4, status: 'completed', amount: '12', refunded: '2.50', province: 'Hubei', cabinet: 'cab-9', started_at: T0 + 24 * HOUR })])
    await expectRollupsMatch()
    await sendOrders([base({ version: 6, status: 'deleted', province: 'Hubei', cabinet: 'cab-9' })])
    await sendOrders([base({ version: 5, status: 'completed', amount: '99' })]) // late and older: stays deleted
    await expectRollupsMatch()
    const [state] = await c.sql<{ n: string }>("SELECT count() AS n FROM tally.orders_current WHERE order_id = 'o-1'")
    expect(Number(state!.n)).toBe(0)
    await sendOrders([base({ version: 7, status: 'refunded', amount: '8' })]) // a newer version brings it back
    await expectRollupsMatch()
    const [back] = await c.sql<{ status: string; refunded: string }>("SELECT status, toString(refunded) AS refunded FROM tally.orders_current WHERE order_id = 'o-1'")
    expect(back).toEqual({ status: 'refunded', refunded: '8' })
  })

  it('the same version again changes nothing, whatever it carries, and is counted as a conflict', async () => {
    await sendOrders([base({ id: 'dup', version: 10, status: 'completed', amount: '10' })])
    await expectRollupsMatch()
    const res = await sendBatch(c.url, [orderEvent(base({ id: 'dup', version: 10, status: 'completed', amount: '999' })), orderEvent(base({ id: 'dup', version: 10, status: 'completed', amount: '10' }))], { token: await orderToken() })
    expect((await res.json()).accepted).toBe(2)
    await c.waitFor<{ n: string }>("SELECT count() AS n FROM tally.order_versions WHERE order_id = 'dup'", (r) => Number(r[0]!.n) === 3)
    await until(async () => (await metric('tally_order_version_conflicts')) >= 1)
    await expectRollupsMatch()
  })

  it('keeps currencies apart and several sites apart', async () => {
    await sendOrders([base({ id: 'yen', status: 'completed', amount: '1500', currency: 'JPY' }), base({ id: 'kwd', status: 'completed', amount: '1.234', currency: 'KWD' })])
    await sendOrders([base({ id: 'o-1', status: 'completed', amount: '3' })], 'other')
    await expectRollupsMatch()
  })

  it('after all of it, the reconciliation (embedded: through the running collector) finds no difference', async () => {
    const res = await fetch(`${c.url}/v1/admin/orders/reconcile`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ differences: 0, groups: [], applier: true })
    expect(await metric('tally_order_reconcile_differences')).toBe(0)
  })
})

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
}
async function until(probe: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 100))
  }
}
