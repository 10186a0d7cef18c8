import { IN_RANGE_DAYS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** Traffic by `{by:String}`: `browser`, `os` or `device` (tech_daily, UTC days). */
export const tech: DashboardQuery = {
  name: 'tech',
  reads: 'rollups',
  sql: (db) => `
    SELECT multiIf({by:String} = 'browser', toString(browser), {by:String} = 'os', toString(os), toString(device_type)) AS raw,
           if(raw = '', '(unknown)', raw) AS label, uniqMerge(visitors) AS visitors, sum(pageviews) AS pageviews
    FROM ${db}.tech_daily
    WHERE site_id = {site:String} AND ${IN_RANGE_DAYS}
    GROUP BY raw ORDER BY visitors DESC, pageviews DESC, label LIMIT {limit:UInt32}`,
}
