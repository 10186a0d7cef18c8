import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * Any event breakdown of a filtered view over raw page views: `{by:String}` is one of
 * page, channel, referrer, utm_source, utm_medium, utm_campaign, country, region,
 * browser, os, device. Same rules as the rollup panels (self-referrals and empty
 * sources left out, empty technology shown as `(unknown)`).
 */
export const breakdownFiltered: DashboardQuery = {
  name: 'breakdown',
  reads: 'events',
  sql: (db) => `
    SELECT multiIf({by:String} = 'page', path, {by:String} = 'channel', toString(channel), {by:String} = 'referrer', toString(referrer_host),
                   {by:String} = 'utm_source', toString(utm_source), {by:String} = 'utm_medium', toString(utm_medium),
                   {by:String} = 'utm_campaign', toString(utm_campaign), {by:String} = 'country', toString(country),
                   {by:String} = 'region', toString(region), {by:String} = 'browser', toString(browser),
                   {by:String} = 'os', toString(os), toString(device_type)) AS raw,
           if(raw = '' AND {by:String} IN ('browser', 'os', 'device'), '(unknown)', raw) AS label,
           if({by:String} = 'region', any(toString(country)), '') AS country_code,
           uniq(visitor_id) AS visitors, count() AS pageviews
    FROM ${db}.events
    WHERE ${IN_RANGE_EVENTS} AND type = 'pageview' ${EVENT_FILTERS(db)}
      AND ({by:String} NOT IN ('channel', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign') OR channel != 'internal')
      AND ({by:String} != 'referrer' OR referrer_host NOT IN {hosts:Array(String)})
    GROUP BY raw HAVING label != '' ORDER BY visitors DESC, pageviews DESC, label LIMIT {limit:UInt32}`,
}
