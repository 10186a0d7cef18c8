import { IN_RANGE_DAYS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * Traffic by `{by:String}`: `country` (ISO code; the page shows its name) or `region`
 * (with its country), from geo_daily (UTC days). Regions need `geo: "city"`.
 */
export const geo: DashboardQuery = {
  name: 'geo',
  reads: 'rollups',
  sql: (db) => `
    SELECT if({by:String} = 'country', toString(country), toString(region)) AS label,
           if({by:String} = 'country', '', any(toString(country))) AS country_code,
           uniqMerge(visitors) AS visitors, sum(pageviews) AS pageviews
    FROM ${db}.geo_daily
    WHERE site_id = {site:String} AND ${IN_RANGE_DAYS}
    GROUP BY label HAVING label != '' ORDER BY visitors DESC, pageviews DESC, label LIMIT {limit:UInt32}`,
}
