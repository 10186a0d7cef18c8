import type { DashboardQuery } from './query.js'

/** Visitors and events in the last five minutes: raw events (a rollup has no minutes), one primary-key range. */
export const live: DashboardQuery = {
  name: 'live',
  reads: 'events',
  sql: (db) => `
    SELECT uniq(visitor_id) AS visitors, count() AS events
    FROM ${db}.events
    WHERE site_id = {site:String} AND ts >= now64(3) - INTERVAL 5 MINUTE AND is_bot = 0`,
}
