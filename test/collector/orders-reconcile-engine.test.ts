import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate, readMigrations } from '../../collector/src/storage/migrate.js'
import { REVENUE_ROLLUPS } from '../../collector/src/orders/order-tables.js'
import { Reconciler } from '../../collector/src/orders/reconciler.js'
import { asMap, expectedRollup, rollupQuery, ROLLUP_KEYS, type TestOrder } from '../support/orders.js'
import { applyOrders } from '../support/orders-engine.js'

// The reconciliation on the embedded engine, with the applier's own code writing the
// ledger: damage the rollups on purpose (a stray ledger row; a row straight into one
// rollup), the check reports each group, a repair makes every rollup equal a brute-force
// recomputation, and a second repair finds nothing and writes nothing.
const dataDir = mkdtempSync(join(tmpdir(), 'tally-reconcile-'))
const db = 'tally'
let storage: Storage
let reconciler: Reconciler
const T0 = Date.UTC(2026, 9, 1, 9, 15)
const HOUR = 3_600_000

const orders: TestOrder[] = [
  { id: 'a', version: 2, status: 'completed', province: 'Zhejiang', cabinet: 'cab-1', started_at: T0, ended_at: T0 + 1.5 * HOUR, price_per_hour: '3.33', currency: 'CNY' },
  { id: 'b', version: 1, status: 'open', province: 'Hubei', cabinet: 'cab-2', started_at: T0 + 2 * HOUR, currency: 'CNY' },
  { id: 'c', version: 3, status: 'refunded', province: 'Hubei', cabinet: 'cab-2', started_at: T0 + 26 * HOUR, amount: '12', refunded: '2.50', currency: 'CNY' },
  { id: 'd', version: 1, status: 'completed', province: 'Zhejiang', cabinet: 'cab-3', started_at: T0, amount: '1500', currency: 'JPY' },
]

const apply = (list: TestOrder[]) => applyOrders(storage, db, 'test', list)

async function rollupsMatchBruteForce(): Promise<void> {
  const finals = orders.map((order) => ({ site: 'test', order }))
  for (const rollup of Object.keys(ROLLUP_KEYS)) {
    const rows = await (await storage.client.query({ query: rollupQuery(rollup), format: 'JSONEachRow' })).json<{ k: string; o: string; r: string; f: string }>()
    expect(asMap(rows), rollup).toEqual(expectedRollup(rollup, finals))
  }
}

beforeAll(async () => {
  const config = configSchema.parse({ dataDir, clickhouse: {}, token: {}, spool: {}, writer: {}, orders: {}, sql: {}, sites: [{ id: 'test' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, db)
  reconciler = new Reconciler(storage.client, db)
  // a first version of each order, then the final ones: retractions in the ledger
  await apply(orders.map((o): TestOrder => ({ ...o, version: 1, status: 'open', province: 'Anhui', started_at: T0 - 48 * HOUR })).filter((o) => o.id !== 'b' && o.id !== 'd'))
  await apply(orders)
})

afterAll(async () => {
  await storage?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('orders reconciliation on the engine', () => {
  it('finds nothing when the rollups follow the ledger', async () => {
    await rollupsMatchBruteForce()
    expect((await reconciler.check()).differences).toBe(0)
  })

  it('reports a stray ledger row in every rollup group it touched, and a repair removes it exactly', async () => {
    // 7.25 CNY and one order that no order state accounts for, in Hubei / cab-2 at 11:00 on day one
    await storage.client.insert({
      table: `${db}.order_ledger`,
      values: [{ site_id: 'test', order_id: 'ghost', version: 1, sign: 0, status: 'completed', province: 'Hubei', cabinet: 'cab-2', started_at: T0 + 2 * HOUR, currency: 'CNY', amount: '7.25', orders: 1, revenue: '7.25', refunded: '0', event_id: crypto.randomUUID(), received_at: T0, source_inserted_at: T0 * 1000 }],
      format: 'JSONEachRow',
      // its own token: the embedded session keeps the settings of the last insert
      clickhouse_settings: { insert_deduplication_token: crypto.randomUUID() },
    })
    const report = await reconciler.check()
    expect(report.differences).toBe(5) // one group in each of the five rollups
    const byCabinet = report.groups.find((g) => g.rollup === 'revenue_by_cabinet_daily')!
    expect(byCabinet.key).toEqual({ site_id: 'test', day: '2026-10-01', province: 'Hubei', cabinet: 'cab-2', currency: 'CNY' })
    expect(byCabinet.expected).toEqual({ revenue: '0', orders: '1', refunded: '0' })
    expect(byCabinet.actual).toEqual({ revenue: '7.25', orders: '2', refunded: '0' })

    const repaired = await reconciler.repair()
    expect(repaired.repair).toEqual({ ledgerRows: 1, rollupRows: 0, remaining: 0 })
    await rollupsMatchBruteForce()
    expect((await reconciler.repair()).repair).toEqual({ ledgerRows: 0, rollupRows: 0, remaining: 0 })
  })

  it('repairs a rollup damaged in its own table without disturbing the others', async () => {
    await storage.client.insert({ table: `${db}.revenue_by_province_daily`, values: [{ site_id: 'test', day: '2026-10-02', province: 'Hubei', currency: 'CNY', revenue: '-0.0100', orders: 0, refunded: '0' }], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: crypto.randomUUID() } })
    const report = await reconciler.check()
    expect(report.groups.map((g) => g.rollup)).toEqual(['revenue_by_province_daily'])
    expect((await reconciler.repair()).repair).toEqual({ ledgerRows: 0, rollupRows: 1, remaining: 0 })
    await rollupsMatchBruteForce()
    expect((await reconciler.check()).differences).toBe(0)
  })

  it('a new version applied after a repair still moves the order exactly once', async () => {
    const next = { ...orders[1]!, version: 5, status: 'completed' as const, amount: '4.40' }
    orders[1] = next
    await apply([next])
    await rollupsMatchBruteForce()
    expect((await reconciler.check()).differences).toBe(0)
  })

  it('rebuilds a rollup from the ledger with its view\'s own query, month by month (the documented backfill)', async () => {
    const views = readMigrations(db).find((m) => m.name === '008_orders_rollups.sql')!.statements.filter((q) => q.includes('MATERIALIZED VIEW'))
    for (const rollup of Object.keys(REVENUE_ROLLUPS)) {
      const select = views.find((q) => q.includes(`${db}.${rollup}_mv TO`))!.split(/\bAS\s*\n/)[1]!
      const months = await (await storage.client.query({ query: `SELECT DISTINCT toYYYYMM(started_at) AS m FROM ${db}.order_ledger`, format: 'JSONEachRow' })).json<{ m: number }>()
      await storage.client.command({ query: `TRUNCATE TABLE ${db}.${rollup}` })
      for (const { m } of months) {
        // resumable: a month that was cut short is dropped and done again
        await storage.client.command({ query: `ALTER TABLE ${db}.${rollup} DROP PARTITION ${m}` })
        await storage.client.command({ query: `INSERT INTO ${db}.${rollup} ${select.replace(`FROM ${db}.order_ledger`, `FROM ${db}.order_ledger WHERE toYYYYMM(started_at) = ${m}`)}`, clickhouse_settings: { insert_deduplication_token: crypto.randomUUID() } })
      }
    }
    await rollupsMatchBruteForce()
    expect((await reconciler.check()).differences).toBe(0)
  })

  it('an emptied rollup is rebuilt from the orders\' states by a repair', async () => {
    await storage.client.command({ query: `TRUNCATE TABLE ${db}.revenue_by_cabinet_daily` })
    const groups = expectedRollup('revenue_by_cabinet_daily', orders.map((order) => ({ site: 'test', order }))).size
    expect(groups).toBeGreaterThan(2)
    expect((await reconciler.check()).differences).toBe(groups) // every group of it that counts something
    expect((await reconciler.repair()).repair).toEqual({ ledgerRows: 0, rollupRows: groups, remaining: 0 })
    await rollupsMatchBruteForce()
  })
})
