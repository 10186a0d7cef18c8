import type { DashboardQuery } from './query.js'

/**
 * The latest applied order changes: one row per applied version, with its effect on
 * the totals (the sum of its ledger block's −1 retraction and +1 rows for that order:
 * what revenue and orders moved by), bounded by `applied_at` to the last day.
 * order_ledger is sorted by order, not time, so the newest {limit}×2 ledger rows are found
 * first (a top-N of two narrow columns) and only their versions are aggregated: grouping
 * every change of the day cost 250–350 ms for 200 k changes (test/bench/dashboard-queries.ts,
 * "screen"), this ~30 ms. An applied version is at most two rows of one (order,
 * applied_at): the applier writes one −1 and one +1 per order and round (orders/plan-ledger.ts;
 * the reconciler's repair rows have sign 0), so those rows hold the newest {limit} versions,
 * each of which is then summed whole. GLOBAL: on a cluster order_ledger is Distributed, and
 * a plain IN over a Distributed subquery is refused (distributed_product_mode = deny).
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
      AND (order_id, applied_at) GLOBAL IN (
        SELECT order_id, applied_at FROM ${db}.order_ledger
        WHERE site_id = {site:String} AND applied_at >= now64(3) - INTERVAL 1 DAY AND sign != 0
        ORDER BY applied_at DESC, order_id LIMIT {limit:UInt32} * 2)
    GROUP BY order_id, applied_at
    ORDER BY applied_at DESC, order_id LIMIT {limit:UInt32}`,
}
