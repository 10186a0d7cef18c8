// How the order path's costs grow with the number of orders (10 k, 100 k, 1 M) and of
// changes per order (1, 3, 10), on the embedded engine. Prints figures; asserts nothing.
//   node --import tsx test/bench/orders-cost.ts [max orders=1000000] [round=1000]
// Per case, in a fresh database:
// - load: the ledger an applier would have written (+1 for the first version; −1 of the
//   previous and +1 of the next for every change), generated in-engine and inserted
//   through all six views (state + five rollups): the cost per change;
// - round: one applier round of `round` new versions of existing orders, through the
//   collector's own code (state lookup, plan, ledger insert): the live write cost;
// - queries: the big screen's read (province rollup, this month), orders_current (a
//   view with FINAL), and the reconciliation (full recompute from orders_state).
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { migrate } from '../../collector/src/storage/migrate.js'
import { OrderStore } from '../../collector/src/orders/order-store.js'
import { planLedger } from '../../collector/src/orders/plan-ledger.js'
import { toOrderVersion } from '../../collector/src/orders/order-version.js'
import { Reconciler } from '../../collector/src/orders/reconciler.js'

const MAX = Number(process.argv[2] ?? 1_000_000)
const ROUND = Number(process.argv[3] ?? 1_000)
const SIZES = [10_000, 100_000, 1_000_000].filter((n) => n <= MAX)
const CHANGES = [1, 3, 10]
const T0 = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1)

const dir = mkdtempSync(join(tmpdir(), 'tally-orders-cost-'))
const client = createClient({ connection: createChdbConnection({ path: dir }) } as Parameters<typeof createClient>[0])
const rows = async <T>(query: string) => (await client.query({ query, format: 'JSONEachRow' })).json<T>()
const timed = async (f: () => Promise<unknown>) => {
  const t = performance.now()
  await f()
  return performance.now() - t
}

/**
 * The ledger of n orders with k versions each. Version v of order i sits in a province
 * and cabinet that move with v, starts within the month, and is open until its last
 * version, which completes it (every 20th order is deleted instead).
 */
function ledgerLoad(db: string, n: number, k: number): string {
  const state = (v: string) => `
    ['Zhejiang','Guangdong','Jiangsu','Sichuan','Hubei','Shanghai','Beijing','Fujian'][(i + ${v}) % 8 + 1] AS province,
    concat('cab-', toString((i * 7 + ${v}) % 500)) AS cabinet,
    fromUnixTimestamp64Milli(toInt64(${T0} + (i % 25) * 86400000 + ((i * 13 + ${v}) % 1440) * 60000), 'UTC') AS started_at,
    multiIf(${v} < ${k}, 'open', i % 20 = 0, 'deleted', 'completed') AS status,
    if(status = 'completed', toDecimal128((i % 50 + 1) * 1.5, 4), toDecimal128(0, 4)) AS amount,
    toInt64(status != 'deleted') AS orders_n`
  return `INSERT INTO ${db}.order_ledger (site_id, order_id, version, sign, status, province, cabinet, started_at, currency, amount, orders, revenue, refunded, event_id, received_at, source_inserted_at)
    SELECT 'shop', concat('o-', toString(i)), v, sign, status, province, cabinet, started_at, 'CNY', amount,
           sign * orders_n, toDecimal128(sign, 0) * amount, toDecimal128(0, 4), generateUUIDv4(), now64(3), now64(6)
    FROM (
      SELECT intDiv(number, ${k}) AS i, number % ${k} + 1 AS version_n, arrayJoin(if(version_n = 1, [1], [-1, 1])) AS sign,
             if(sign = 1, version_n, version_n - 1) AS v, ${state('v')}
      FROM numbers(${n * k})
    )`
}

/** `ROUND` new versions (each the next version of a distinct existing order) through the applier's code. */
async function applierRound(db: string, n: number, k: number): Promise<number> {
  const store = new OrderStore(client, db)
  const now = Date.now()
  const inbox = Array.from({ length: ROUND }, (_, j) => {
    const i = Math.floor((j * n) / ROUND)
    const row = toOrderVersion({ id: crypto.randomUUID(), type: 'order', ts: now, order: { id: `o-${i}`, version: k + 1, status: 'completed', province: 'Hubei', cabinet: 'cab-1', started_at: T0 + 3_600_000, amount: '7.5', currency: 'CNY' } } as never, 'shop', now)
    if ('reason' in row) throw new Error(row.message)
    return { ...row, inserted_at: now * 1000 + j }
  })
  return timed(async () => {
    const states = await store.states(inbox.map((r) => ({ site_id: r.site_id, order_id: r.order_id })))
    await store.appendLedger(planLedger(inbox, states).rows, crypto.randomUUID())
  })
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
/** The best of a few runs (the machine is shared). */
async function best(f: () => Promise<unknown>, times = 3): Promise<number> {
  let min = Infinity
  for (let t = 0; t < times; t++) min = Math.min(min, await timed(f))
  return min
}

console.log(`orders cost on the embedded engine; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; round = ${ROUND} versions`)
console.log('orders    changes  ledger rows  load (per change)        applier round  province read  orders_current  reconcile')
try {
  for (const n of SIZES) {
    for (const k of CHANGES) {
      const db = `bench_${n}_${k}`
      await migrate(client, db)
      const load = await timed(() => client.command({ query: ledgerLoad(db, n, k), clickhouse_settings: { max_insert_block_size: '1000000', insert_deduplication_token: crypto.randomUUID() } }))
      const [{ ledger }] = (await rows<{ ledger: string }>(`SELECT toString(count()) AS ledger FROM ${db}.order_ledger`)) as [{ ledger: string }]
      const round = await applierRound(db, n, k)
      const province = await best(() => rows(`SELECT province, sum(revenue), sum(orders) FROM ${db}.revenue_by_province_daily WHERE site_id = 'shop' AND day >= toStartOfMonth(today()) AND currency = 'CNY' GROUP BY province`))
      const current = await best(() => rows(`SELECT count() FROM ${db}.orders_current WHERE site_id = 'shop'`))
      const reconciler = new Reconciler(client, db)
      let differences = -1
      const reconcile = await best(async () => (differences = (await reconciler.check()).differences), 1)
      if (differences !== 0) throw new Error(`${db}: the generated ledger and the rollups disagree (${differences} groups)`)
      const perChange = (load * 1000) / (n * k)
      console.log(
        `${String(n).padStart(9)} ${String(k).padStart(8)} ${ledger.padStart(12)}  ${fmt(load).padStart(8)} (${perChange.toFixed(2)} µs)`.padEnd(56) +
          `${fmt(round).padStart(13)}  ${fmt(province).padStart(13)}  ${fmt(current).padStart(14)}  ${fmt(reconcile).padStart(9)}`,
      )
      await client.command({ query: `DROP DATABASE ${db} SYNC` })
    }
  }
} finally {
  await client.close()
  rmSync(dir, { recursive: true, force: true })
}
