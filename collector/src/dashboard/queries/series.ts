import { EVERY_GRAIN } from './range-shape.js'
import { windowRows } from './time-window.js'
import type { DashboardQuery } from './query.js'

/**
 * Page views, visitors and visits per hour (`{hourly:UInt8}` = 1) or per day, in `tz`.
 * Daily buckets read the daily rows when every local midnight of the range is a UTC one
 * (range-shape.ts), and hours otherwise.
 * `t` is the bucket's start (unix seconds). Only buckets with traffic are returned;
 * the page draws the empty past ones as 0 and no future ones.
 */
export const series: DashboardQuery = {
  name: 'series',
  reads: 'rollups',
  sql: (db, shape = EVERY_GRAIN) => `
    SELECT toUnixTimestamp(if({hourly:UInt8} = 1, toStartOfHour(toTimeZone(row_start, {tz:String})), toStartOfDay(toTimeZone(row_start, {tz:String})))) AS t,
           sum(pv) AS pageviews, uniqCombinedMerge(14)(uv) AS visitors, uniqCombinedMerge(12)(vs) AS visits
    FROM (${windowRows(db, { columns: 'pageviews AS pv, visitors AS uv, visits AS vs', where: "dim = ''", period: 'series', grains: shape.series })})
    GROUP BY t ORDER BY t`,
}
