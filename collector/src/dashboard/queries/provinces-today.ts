import { IN_RANGE_HOURS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * The big screen's province ranking: revenue and orders per province and currency over
 * the chosen days in `tz`, from the hourly rollup (the same table as the screen's revenue
 * counter and chart, so the bars always add up to the counter).
 */
export const provincesToday: DashboardQuery = {
  name: 'provinces_today',
  reads: 'rollups',
  sql: (db) => `
    SELECT toString(province) AS label, toString(currency) AS currency, toString(sum(amount)) AS revenue, sum(n) AS orders
    FROM (
      SELECT province, currency, revenue AS amount, orders AS n FROM ${db}.revenue_by_province_hourly
      WHERE site_id = {site:String} AND ${IN_RANGE_HOURS} 
    )
    GROUP BY label, currency HAVING sum(n) != 0 OR sum(amount) != 0
    ORDER BY sum(amount) DESC, orders DESC, label LIMIT {limit:UInt32}`,
}
