import { IN_RANGE_DAYS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * Custom events (goals): count, unique visitors, and conversion rate = those visitors
 * ÷ all unique visitors of the same days (custom_events_daily and traffic_daily, UTC days).
 */
export const customEvents: DashboardQuery = {
  name: 'custom_events',
  reads: 'rollups',
  sql: (db) => `
    SELECT toString(name) AS label, uniqMerge(visitors) AS visitors, sum(events) AS events,
           (SELECT uniqMerge(visitors) FROM ${db}.traffic_daily WHERE site_id = {site:String} AND ${IN_RANGE_DAYS}) AS all_visitors,
           if(all_visitors = 0, 0, round(visitors / all_visitors, 4)) AS conversion_rate
    FROM ${db}.custom_events_daily
    WHERE site_id = {site:String} AND ${IN_RANGE_DAYS}
    GROUP BY label ORDER BY visitors DESC, events DESC, label LIMIT {limit:UInt32}`,
}
