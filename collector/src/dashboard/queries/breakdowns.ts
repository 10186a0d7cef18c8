import { EVERY_GRAIN } from './range-shape.js'
import { windowRows } from './time-window.js'
import type { DashboardQuery } from './query.js'

/** The breakdowns of the analytics page, and the panel each one's rows go to. */
export const BREAKDOWN_PANELS = {
  page: 'pages', channel: 'channels', referrer: 'referrers', utm_source: 'utm_sources', utm_medium: 'utm_mediums',
  utm_campaign: 'utm_campaigns', country: 'countries', region: 'regions', browser: 'browsers', os: 'os', device: 'devices',
  event: 'custom_events',
} as const
/** Every breakdown, and `''` (all traffic): the base of the custom events' conversion rate. */
export const BREAKDOWN_DIMS = ['', ...Object.keys(BREAKDOWN_PANELS)]

/**
 * Every breakdown at once (`{dims:Array(String)}`), the `{limit:UInt32}` rows with the
 * most unique visitors each, from one read of the breakdown rollups. Custom events
 * (dim `event`) are a breakdown too: their rows count `events` and carry
 * `conversion_rate` = their visitors ÷ the visitors of all traffic (the `''` row, which
 * is asked for with `''` in `dims` and goes to no panel).
 *
 * Visitor states are merged only for the `{candidates:UInt32}` rows with the most page
 * views (events, for custom events; sums, cheap), not for every page of the site. That
 * is exact whenever the last row shown has at least as many visitors as the last
 * candidate has page views (a row has no more visitors than page views), which holds
 * unless the site has more values than candidates with a long flat tail. Empty values
 * are no row (they are the Direct channel, no UTM, no region), except for browser, os
 * and device where they show as `(unknown)`; the site's own hosts
 * (`{hosts:Array(String)}`) are no referrer. `country_code` is a region's country.
 */
export const breakdowns: DashboardQuery = {
  name: 'breakdowns',
  reads: 'rollups',
  sql: (db, shape = EVERY_GRAIN) => `
    SELECT dim, if(value = '' AND dim != '', '(unknown)', value) AS label, toString(parent) AS country_code,
           uniqCombinedMerge(14)(uv) AS visitors, sum(pv) AS pageviews, sum(n) AS events,
           if(dim != 'event', 0, round(visitors / greatest(1, max(if(dim = '', visitors, 0)) OVER ()), 4)) AS conversion_rate
    FROM (${windowRows(db, { columns: 'dim, value, parent, pageviews AS pv, events AS n, visitors AS uv', where: 'dim IN {dims:Array(String)}', grains: shape.current })})
    WHERE (dim, value, parent) IN (
      SELECT dim, value, parent
      FROM (${windowRows(db, { columns: 'dim, value, parent, pageviews, events', where: 'dim IN {dims:Array(String)}', grains: shape.current })})
      WHERE (value != '' OR dim IN ('', 'browser', 'os', 'device')) AND NOT (dim = 'referrer' AND value IN {hosts:Array(String)})
      GROUP BY dim, value, parent
      ORDER BY sum(if(dim = 'event', events, pageviews)) DESC, value, parent LIMIT {candidates:UInt32} BY dim
    )
    GROUP BY dim, value, parent
    ORDER BY dim, visitors DESC, if(dim = 'event', events, pageviews) DESC, label, country_code LIMIT {limit:UInt32} BY dim`,
}
