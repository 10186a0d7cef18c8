import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * {@link breakdowns} over the raw page views of a filtered view, every breakdown in one
 * pass over the events (`{dims:Array(String)}`, `{limit:UInt32}` rows each, most
 * visitors first). The same rules as the rollup: self-referrals (channel `internal`) are no
 * source, empty values no row except `(unknown)` technology, own hosts no referrer.
 */
export const breakdownsFiltered: DashboardQuery = {
  name: 'breakdowns',
  reads: 'events',
  sql: (db) => `
    SELECT d.1 AS dim, if(d.2 = '', '(unknown)', d.2) AS label, d.3 AS country_code,
           uniq(visitor_id) AS visitors, count() AS pageviews
    FROM (
      SELECT visitor_id, arrayJoin(arrayFilter(x -> x.1 IN {dims:Array(String)}, arrayConcat(
        [('page', path, '')],
        if(channel = 'internal', [],
           [('channel', toString(channel), ''), ('referrer', toString(referrer_host), ''), ('utm_source', toString(utm_source), ''),
            ('utm_medium', toString(utm_medium), ''), ('utm_campaign', toString(utm_campaign), '')]),
        [('country', toString(country), ''), ('region', toString(region), toString(country)), ('browser', toString(browser), ''),
         ('os', toString(os), ''), ('device', toString(device_type), '')]))) AS d
      FROM ${db}.events
      WHERE ${IN_RANGE_EVENTS} AND type = 'pageview' ${EVENT_FILTERS(db)}
    )
    WHERE (d.2 != '' OR d.1 IN ('browser', 'os', 'device')) AND NOT (d.1 = 'referrer' AND d.2 IN {hosts:Array(String)})
    GROUP BY d
    ORDER BY dim, visitors DESC, pageviews DESC, label LIMIT {limit:UInt32} BY dim`,
}
