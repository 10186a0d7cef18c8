import { IN_RANGE_DAYS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * Traffic by `{by:String}`: `channel`, `referrer` (host), `utm_source`, `utm_medium` or
 * `utm_campaign` (sources_daily, UTC days). Self-referrals are no source: `internal`
 * rows and the site's own hosts (`{hosts:Array(String)}`) are left out; so are empty
 * referrers and UTM values (they are the Direct channel).
 */
export const sources: DashboardQuery = {
  name: 'sources',
  reads: 'rollups',
  sql: (db) => `
    SELECT multiIf({by:String} = 'channel', toString(channel), {by:String} = 'referrer', toString(referrer_host),
                   {by:String} = 'utm_source', toString(utm_source), {by:String} = 'utm_medium', toString(utm_medium), toString(utm_campaign)) AS label,
           uniqMerge(visitors) AS visitors, sum(pageviews) AS pageviews
    FROM ${db}.sources_daily
    WHERE site_id = {site:String} AND ${IN_RANGE_DAYS}
      AND channel != 'internal' AND ({by:String} != 'referrer' OR referrer_host NOT IN {hosts:Array(String)})
    GROUP BY label HAVING label != '' ORDER BY visitors DESC, pageviews DESC, label LIMIT {limit:UInt32}`,
}
