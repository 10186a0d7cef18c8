import type { DashboardQuery } from './query.js'

/**
 * The latest applied order changes: one row per applied version, with its effect on
 * the totals (the sum of its ledger block's −1 retraction and +1 rows for that order:
 * what revenue and orders moved by). Reads order_ledger's newest rows (ordered by
 * order, so this scans the recent parts; bounded by `applied_at` to the last day).
 */
export const orderTicker: DashboardQuery = {
  name: 'order_ticker',
  reads: 'ledger',
  sql: (db) => `
    SELECT order_id, toUnixTimestamp64Milli(applied_at) AS at, argMax(status, sign) AS status,
           argMax(toString(province), sign) AS province, argMax(cabinet, sign) AS cabinet, any(toString(currency)) AS currency,
           toString(sum(revenue)) AS revenue_delta, sum(orders) AS orders_delta,
           toString(argMax(revenue, sign)) AS revenue_after, toUnixTimestamp64Milli(argMax(started_at, sign)) AS started_at
    FROM ${db}.order_ledger
    WHERE site_id = {site:String} AND applied_at >= now64(3) - INTERVAL 1 DAY AND sign != 0
    GROUP BY order_id, applied_at
    ORDER BY applied_at DESC, order_id LIMIT {limit:UInt32}`,
}
