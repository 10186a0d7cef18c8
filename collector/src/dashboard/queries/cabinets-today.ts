import { IN_RANGE_HOURS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** The big screen's top cabinets over the chosen days in `tz` (hourly cabinet rollup). */
export const cabinetsToday: DashboardQuery = {
  name: 'cabinets_today',
  reads: 'rollups',
  sql: (db) => `
    SELECT cabinet AS label, toString(province) AS province, toString(currency) AS currency, toString(sum(amount)) AS revenue, sum(n) AS orders
    FROM (
      SELECT cabinet, province, currency, revenue AS amount, orders AS n FROM ${db}.revenue_by_cabinet_hourly
      WHERE site_id = {site:String} AND ${IN_RANGE_HOURS} 
    )
    GROUP BY label, province, currency HAVING sum(n) != 0 OR sum(amount) != 0
    ORDER BY sum(amount) DESC, orders DESC, label LIMIT {limit:UInt32}`,
}
