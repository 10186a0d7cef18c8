import { IN_BOTH_PERIODS_HOURS, IS_CURRENT_HOUR } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** Page views, unique visitors and visits, this period and the previous one (hourly rollup, in `tz`). */
export const totals: DashboardQuery = {
  name: 'totals',
  reads: 'rollups',
  sql: (db) => `
    SELECT sumIf(pv, ${IS_CURRENT_HOUR}) AS pageviews, uniqMergeIf(uv, ${IS_CURRENT_HOUR}) AS visitors,
           uniqMergeIf(vs, ${IS_CURRENT_HOUR}) AS visits,
           sumIf(pv, NOT ${IS_CURRENT_HOUR}) AS prev_pageviews, uniqMergeIf(uv, NOT ${IS_CURRENT_HOUR}) AS prev_visitors,
           uniqMergeIf(vs, NOT ${IS_CURRENT_HOUR}) AS prev_visits
    FROM (
      SELECT hour, pageviews AS pv, visitors AS uv, visits AS vs FROM ${db}.traffic_hourly
      WHERE site_id = {site:String} AND ${IN_BOTH_PERIODS_HOURS}
    )`,
}
