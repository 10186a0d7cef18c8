import { CABINET_FILTER, IN_RANGE_DAYS, ORDER_FILTERS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** Top cabinets by revenue, with their province (revenue_by_cabinet_daily, UTC days of started_at). */
export const cabinets: DashboardQuery = {
  name: 'cabinets',
  reads: 'rollups',
  sql: (db) => `
    SELECT cabinet AS label, toString(province) AS province, toString(currency) AS currency, toString(sum(amount)) AS revenue, sum(n) AS orders
    FROM (
      SELECT cabinet, province, currency, revenue AS amount, orders AS n FROM ${db}.revenue_by_cabinet_daily
      WHERE site_id = {site:String} AND ${IN_RANGE_DAYS} ${ORDER_FILTERS} ${CABINET_FILTER}
    )
    GROUP BY label, province, currency HAVING sum(n) != 0 OR sum(amount) != 0
    ORDER BY sum(amount) DESC, orders DESC, label LIMIT {limit:UInt32}`,
}
