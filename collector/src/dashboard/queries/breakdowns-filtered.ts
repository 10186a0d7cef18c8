import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * {@link breakdowns} over the raw events of a filtered view, every breakdown in one pass
 * over the events (`{dims:Array(String)}`, `{limit:UInt32}` rows each, most visitors
 * first). The same rules as the rollup: page views make the traffic breakdowns, custom
 * events (not `engagement`) the `event` one, every event the `''` row (all visitors of
 * the view, the base of the conversion rate); self-referrals (channel `internal`) are no
 * source, empty values no row except `(unknown)` technology, own hosts no referrer.
 */
export const breakdownsFiltered: DashboardQuery = {
  name: 'breakdowns',
  reads: 'events',
  sql: (db) => `
    SELECT d.1 AS dim, if(d.2 = '' AND d.1 != '', '(unknown)', d.2) AS label, d.3 AS country_code,
           uniq(visitor_id) AS visitors, countIf(type = 'pageview') AS pageviews, count() AS events,
           if(dim != 'event', 0, round(visitors / greatest(1, max(if(dim = '', visitors, 0)) OVER ()), 4)) AS conversion_rate
    FROM (
      SELECT visitor_id, type, arrayJoin(arrayFilter(x -> x.1 IN {dims:Array(String)}, arrayConcat(
        [('', '', '')],
        if(type = 'pageview', arrayConcat(
          [('page', path, '')],
          if(channel = 'internal', [],
             [('channel', toString(channel), ''), ('referrer', toString(referrer_host), ''), ('utm_source', toString(utm_source), ''),
              ('utm_medium', toString(utm_medium), ''), ('utm_campaign', toString(utm_campaign), '')]),
          [('country', toString(country), ''), ('region', toString(region), toString(country)), ('browser', toString(browser), ''),
           ('os', toString(os), ''), ('device', toString(device_type), '')]),
          if(type = 'track' AND name != 'engagement', [('event', toString(name), '')], []))))) AS d
      FROM ${db}.events
      WHERE ${IN_RANGE_EVENTS} ${EVENT_FILTERS(db)}
    )
    WHERE (d.2 != '' OR d.1 IN ('', 'browser', 'os', 'device')) AND NOT (d.1 = 'referrer' AND d.2 IN {hosts:Array(String)})
    GROUP BY d
    ORDER BY dim, visitors DESC, if(dim = 'event', events, pageviews) DESC, label LIMIT {limit:UInt32} BY dim`,
}
