import { IN_BOTH_PERIODS_HOURS, IS_CURRENT_HOUR, ORDER_FILTERS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * Revenue (amount − refunded, exact decimal text) and orders per currency, this period
 * and the previous one, from the hourly province rollup in `tz`. Never summed across
 * currencies; the largest currency first.
 */
export const revenueTotals: DashboardQuery = {
  name: 'revenue_totals',
  reads: 'rollups',
  sql: (db) => `
    SELECT currency, toString(sumIf(amount, ${IS_CURRENT_HOUR})) AS revenue, sumIf(n, ${IS_CURRENT_HOUR}) AS orders,
           toString(sumIf(amount, NOT ${IS_CURRENT_HOUR})) AS prev_revenue, sumIf(n, NOT ${IS_CURRENT_HOUR}) AS prev_orders
    FROM (
      SELECT hour, toString(currency) AS currency, revenue AS amount, orders AS n FROM ${db}.revenue_by_province_hourly
      WHERE site_id = {site:String} AND ${IN_BOTH_PERIODS_HOURS} ${ORDER_FILTERS}
    )
    GROUP BY currency ORDER BY sumIf(amount, ${IS_CURRENT_HOUR}) DESC, currency`,
}
