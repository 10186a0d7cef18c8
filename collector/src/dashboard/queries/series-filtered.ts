import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** {@link series} over raw events of the filtered view, visitors and visits counted as the rollups count them (totals-filtered.ts). */
export const seriesFiltered: DashboardQuery = {
  name: 'series',
  reads: 'events',
  sql: (db) => `
    SELECT toUnixTimestamp(if({hourly:UInt8} = 1, toStartOfHour(toTimeZone(ts, {tz:String})), toStartOfDay(toTimeZone(ts, {tz:String})))) AS t,
           countIf(type = 'pageview') AS pageviews, uniqCombined(14)(visitor_id) AS visitors, uniqCombined(12)(session_id) AS visits
    FROM ${db}.events
    WHERE ${IN_RANGE_EVENTS} ${EVENT_FILTERS(db)}
    GROUP BY t ORDER BY t`,
}
