import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { orderTicker } from '../../collector/src/dashboard/queries/order-ticker.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'
import type { TestOrder } from '../support/orders.js'
import { applyOrders } from '../support/orders-engine.js'

// The big screen's ticker on the real embedded engine, through the collector's own
// applier code: it finds the newest ledger rows first and sums only their versions, so it
// must say what grouping every change of the day says, for any limit.
let storage: Storage
const db = 'tally'

// Every applied version of the last day grouped, newest first: the ticker's definition.
const EVERY_CHANGE = `
  SELECT order_id, toUnixTimestamp64Milli(applied_at) AS at, argMax(status, sign) AS status,
         argMax(toString(province), sign) AS province, argMax(cabinet, sign) AS cabinet, any(toString(currency)) AS currency,
         toString(sum(revenue)) AS revenue_delta, sum(orders) AS orders_delta,
         toString(argMax(revenue, sign)) AS revenue_after, toUnixTimestamp64Milli(argMax(started_at, sign)) AS started_at
  FROM ${db}.order_ledger
  WHERE site_id = {site:String} AND applied_at >= now64(3) - INTERVAL 1 DAY AND sign != 0
  GROUP BY order_id, applied_at
  ORDER BY applied_at DESC, order_id LIMIT {limit:UInt32}`

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-ticker-')), clickhouse: {}, token: {}, spool: {}, writer: {}, orders: {}, sql: {}, sites: [{ id: 'test' }, { id: 'other' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, db)
})
afterAll(async () => storage?.close())

const rows = async (sql: string, limit: number, site = 'test') =>
  (await storage.readClient.query({ query: sql, query_params: { site, limit }, format: 'JSONEachRow' })).json<Record<string, unknown>>()

const order = (id: string, version: number, o: Partial<TestOrder> = {}): TestOrder => ({
  id, version, status: 'open', province: 'Guangdong', cabinet: `cab-${id}`, started_at: Date.now() - 3_600_000, amount: '10.00', currency: 'CNY', ...o,
})

/** A later applied_at than every row so far (the column is milliseconds). */
const nextMillisecond = async () => {
  const start = Date.now()
  while (Date.now() <= start) await new Promise((r) => setTimeout(r, 1))
}

it('shows what grouping every change of the day shows, for any limit', async () => {
  // Rounds as the applier runs them: a block of new orders, a refund, a move to another
  // province, completions, more new orders; another site's orders in between.
  const rounds: [string, TestOrder[]][] = [
    ['test', Array.from({ length: 12 }, (_, i) => order(`o-${i}`, 1))],
    ['other', [order('o-1', 1), order('x-1', 1)]],
    ['test', [order('o-3', 2, { status: 'refunded', refunded: '4.00' })]],
    ['test', [order('o-5', 2, { province: 'Hainan' })]],
    ['test', [order('o-7', 2, { status: 'completed', amount: '12.50' }), order('o-8', 2, { status: 'completed', amount: '9.99' })]],
    ['test', Array.from({ length: 3 }, (_, i) => order(`n-${i}`, 1))],
    ['test', [order('o-3', 3, { status: 'refunded', refunded: '10.00' })]],
  ]
  for (const [site, list] of rounds) {
    await nextMillisecond()
    await applyOrders(storage, db, site, list)
  }
  const changes = 12 + 1 + 1 + 2 + 3 + 1
  for (const limit of [1, 2, 3, 5, 8, 13, 19, 25]) {
    const ticker = await rows(orderTicker.sql(db), limit)
    expect(ticker).toEqual(await rows(EVERY_CHANGE, limit))
    expect(ticker).toHaveLength(Math.min(limit, changes))
  }
  // what a user reads off it: the newest first, a full refund's effect on the totals
  const [newest] = await rows(orderTicker.sql(db), 8)
  expect(newest).toMatchObject({ order_id: 'o-3', status: 'refunded', revenue_delta: '-6', orders_delta: 0 })
  expect(await rows(orderTicker.sql(db), 8, 'other')).toHaveLength(2)
})
