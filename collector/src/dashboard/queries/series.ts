import { IN_RANGE_HOURS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * Page views, visitors and visits per hour (`{hourly:UInt8}` = 1) or per day, in `tz`,
 * from the hourly rollup. `t` is the bucket's start (unix seconds). Only buckets with
 * traffic are returned; the page draws the empty past ones as 0 and no future ones.
 */
export const series: DashboardQuery = {
  name: 'series',
  reads: 'rollups',
  sql: (db) => `
    SELECT toUnixTimestamp(if({hourly:UInt8} = 1, toStartOfHour(toTimeZone(hour, {tz:String})), toStartOfDay(toTimeZone(hour, {tz:String})))) AS t,
           sum(pageviews) AS pageviews, uniqMerge(visitors) AS visitors, uniqMerge(visits) AS visits
    FROM ${db}.traffic_hourly
    WHERE site_id = {site:String} AND ${IN_RANGE_HOURS}
    GROUP BY t ORDER BY t`,
}
