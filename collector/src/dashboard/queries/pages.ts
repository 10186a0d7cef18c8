import { IN_RANGE_DAYS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** Most viewed pages (pages_daily, UTC days). */
export const pages: DashboardQuery = {
  name: 'pages',
  reads: 'rollups',
  sql: (db) => `
    SELECT path AS label, uniqMerge(visitors) AS visitors, sum(pageviews) AS pageviews
    FROM ${db}.pages_daily
    WHERE site_id = {site:String} AND ${IN_RANGE_DAYS}
    GROUP BY label ORDER BY visitors DESC, pageviews DESC, label LIMIT {limit:UInt32}`,
}
