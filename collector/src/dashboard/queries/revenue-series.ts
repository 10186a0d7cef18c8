import { IN_RANGE_HOURS, ORDER_FILTERS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** Revenue and orders per hour or day in `tz` and currency (hourly province rollup). */
export const revenueSeries: DashboardQuery = {
  name: 'revenue_series',
  reads: 'rollups',
  sql: (db) => `
    SELECT toUnixTimestamp(if({hourly:UInt8} = 1, toStartOfHour(toTimeZone(hour, {tz:String})), toStartOfDay(toTimeZone(hour, {tz:String})))) AS t,
           currency, toString(sum(revenue)) AS revenue, sum(orders) AS orders
    FROM ${db}.revenue_by_province_hourly
    WHERE site_id = {site:String} AND ${IN_RANGE_HOURS} ${ORDER_FILTERS}
    GROUP BY t, currency ORDER BY t, currency`,
}
