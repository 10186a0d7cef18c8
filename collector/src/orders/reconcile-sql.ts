import { ORDER_TABLES, REVENUE_ROLLUPS, orderTable, type RevenueRollup } from './order-tables.js'

/**
 * The reconciliation's SQL. The truth is each order's applied state (orders_state, the
 * highest version per order, tombstones counting nothing), summed per rollup group; it
 * is compared with what a rollup holds, or with the ledger's sums at the finest grain.
 * Plain SQL over the engine: FINAL here is a full recompute, which is the point.
 */

/** A group key column and how it is computed from an order row (day and hour: UTC, of started_at). */
const KEY_FROM_ORDER: Record<string, string> = {
  site_id: 'site_id',
  day: "toDate(started_at, 'UTC')",
  hour: "toStartOfHour(toDateTime(started_at, 'UTC'))",
  province: 'province',
  cabinet: 'cabinet',
  currency: 'currency',
}

/** The finest grain: every rollup is a sum of these groups. */
export const FINEST_KEYS = REVENUE_ROLLUPS.revenue_by_cabinet_hourly

type Keys = readonly string[]

/** Sums of one group from rows holding the order's columns (orders_state, order_ledger). */
function sumsFromOrders(from: string, keys: Keys): string {
  return `SELECT ${keys.map((k) => `${KEY_FROM_ORDER[k]} AS ${k}`).join(', ')},
            sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
          FROM ${from} GROUP BY ${keys.join(', ')}`
}

/** Sums of one group of a rollup table, as an analyst reads it. */
function sumsFromRollup(table: string, keys: Keys): string {
  return `SELECT ${keys.join(', ')}, sum(revenue) AS revenue, sum(orders) AS orders, sum(refunded) AS refunded
          FROM ${table} GROUP BY ${keys.join(', ')}`
}

/**
 * Groups where expected and actual differ: key columns as text, both sides' sums and
 * the difference (expected − actual) as exact text. A group missing on one side reads
 * as zeros (join_use_nulls = 0), so a group that sums to zero on both is no difference.
 */
function differences(expected: string, actual: string, keys: Keys): string {
  const money = (c: string) => `toString(e.${c}) AS expected_${c}, toString(a.${c}) AS actual_${c}, toString(e.${c} - a.${c}) AS delta_${c}`
  return `SELECT ${keys.map((k) => `toString(${k}) AS ${k}`).join(', ')}, ${money('revenue')}, ${money('orders')}, ${money('refunded')}
          FROM (${expected}) AS e FULL OUTER JOIN (${actual}) AS a USING (${keys.join(', ')})
          WHERE e.revenue != a.revenue OR e.orders != a.orders OR e.refunded != a.refunded
          ORDER BY ${keys.join(', ')}
          SETTINGS join_use_nulls = 0`
}

function truth(database: string): string {
  return `(SELECT site_id, started_at, province, cabinet, currency, revenue, orders, refunded
           FROM ${orderTable(database, ORDER_TABLES.state)} FINAL)`
}

/** A rollup against the recomputation. */
export function rollupDifferencesQuery(database: string, rollup: RevenueRollup): string {
  const keys = REVENUE_ROLLUPS[rollup]
  return differences(sumsFromOrders(truth(database), keys), sumsFromRollup(orderTable(database, rollup), keys), keys)
}

/** The ledger's sums against the recomputation, at the finest grain: what a repair row corrects. */
export function ledgerDifferencesQuery(database: string): string {
  return differences(sumsFromOrders(truth(database), FINEST_KEYS), sumsFromOrders(orderTable(database, ORDER_TABLES.ledger), FINEST_KEYS), FINEST_KEYS)
}

/** One differing group as the queries above return it. */
export interface DifferenceRow {
  site_id: string
  day?: string
  hour?: string
  province?: string
  cabinet?: string
  currency: string
  expected_revenue: string
  actual_revenue: string
  delta_revenue: string
  expected_orders: string
  actual_orders: string
  delta_orders: string
  expected_refunded: string
  actual_refunded: string
  delta_refunded: string
}
