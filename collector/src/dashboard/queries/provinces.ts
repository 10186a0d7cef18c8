import { IN_RANGE_DAYS, ORDER_FILTERS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** Revenue and orders by province and currency (revenue_by_province_daily, UTC days of started_at). */
export const provinces: DashboardQuery = {
  name: 'provinces',
  reads: 'rollups',
  sql: (db) => `
    SELECT toString(province) AS label, toString(currency) AS currency, toString(sum(amount)) AS revenue, sum(n) AS orders
    FROM (
      SELECT province, currency, revenue AS amount, orders AS n FROM ${db}.revenue_by_province_daily
      WHERE site_id = {site:String} AND ${IN_RANGE_DAYS} ${ORDER_FILTERS}
    )
    GROUP BY label, currency HAVING sum(n) != 0 OR sum(amount) != 0
    ORDER BY sum(amount) DESC, orders DESC, label LIMIT {limit:UInt32}`,
}
