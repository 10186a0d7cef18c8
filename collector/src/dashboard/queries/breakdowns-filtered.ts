import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * {@link breakdowns} over the raw events of a filtered view, every breakdown in one pass
 * over the events (`{dims:Array(String)}`, `{limit:UInt32}` rows each, most visitors
 * first). The same rules as the rollup: page views make the traffic breakdowns, custom
 * events (not `engagement`) the `event` one, every event the `''` row (all visitors of
 * the view, the base of the conversion rate); self-referrals (channel `internal`) are no
 * source, empty values no row except `(unknown)` technology, own hosts no referrer.
 *
 * One GROUPING SETS aggregation, a set per breakdown: each event is counted once per set
 * without being copied. The former arrayJoin of one tuple per breakdown made 13 rows of
 * every event, took 3–7× as long on 10 M events under a page or a broad filter (about the
 * same under a goal filter) and kept events' projection unused. A breakdown's key is NULL
 * for the events it does not count (a custom event has no page row); that group is
 * dropped (so is the all-traffic row of a view without events). `grouping(k) = 0` says
 * which set a row is from (standard SQL: ClickHouse's default
 * force_grouping_standard_compatibility). Visitors are `uniqCombined(14)` of `visitor_id`,
 * as in the rollups (totals-filtered.ts says why): 20–40 % less than `uniq` of a hash of
 * the id on a broad filter (country = CN of the bench's 10 M events).
 */
export const breakdownsFiltered: DashboardQuery = {
  name: 'breakdowns',
  reads: 'events',
  sql: (db) => `
    SELECT dim, if(value = '' AND dim != '', '(unknown)', assumeNotNull(value)) AS label, country_code, visitors, pageviews, events,
           if(dim != 'event', 0, round(visitors / greatest(1, max(if(dim = '', visitors, 0)) OVER ()), 4)) AS conversion_rate
    FROM (
      SELECT multiIf(${KEYS.map(([dim, key]) => `grouping(${key}) = 0, '${dim}'`).join(', ')}, '') AS dim,
             if(dim = '', '', coalesce(${KEYS.map(([, key]) => key).join(', ')})) AS value,
             if(dim = 'region', toString(country), '') AS country_code,
             uniqCombined(14)(visitor_id) AS visitors, countIf(type = 'pageview') AS pageviews, count() AS events
      FROM (
        SELECT visitor_id, type, country,
               if(type = 'pageview', path, NULL) AS k_page,
               ${SOURCES.map(([key, column]) => `if(type = 'pageview' AND channel != 'internal', toString(${column}), NULL) AS ${key}`).join(',\n               ')},
               ${PLACES_AND_TECH.map(([key, column]) => `if(type = 'pageview', toString(${column}), NULL) AS ${key}`).join(',\n               ')},
               if(type = 'track' AND name != 'engagement', toString(name), NULL) AS k_event
        FROM ${db}.events
        WHERE ${IN_RANGE_EVENTS} ${EVENT_FILTERS(db)}
      )
      GROUP BY GROUPING SETS ((), ${KEYS.map(([dim, key]) => (dim === 'region' ? `(${key}, country)` : `(${key})`)).join(', ')})
    )
    WHERE dim IN {dims:Array(String)} AND (dim = '' OR value IS NOT NULL) AND events > 0
      AND (value != '' OR dim IN ('', 'browser', 'os', 'device')) AND NOT (dim = 'referrer' AND value IN {hosts:Array(String)})
    ORDER BY dim, visitors DESC, if(dim = 'event', events, pageviews) DESC, label, country_code LIMIT {limit:UInt32} BY dim`,
}

// [key, events column]: the breakdowns of page views that are not self-referrals …
const SOURCES = [
  ['k_channel', 'channel'], ['k_referrer', 'referrer_host'], ['k_utm_source', 'utm_source'], ['k_utm_medium', 'utm_medium'], ['k_utm_campaign', 'utm_campaign'],
] as const
// … and of every page view
const PLACES_AND_TECH = [['k_country', 'country'], ['k_region', 'region'], ['k_browser', 'browser'], ['k_os', 'os'], ['k_device', 'device_type']] as const
/** [dim, key] of every breakdown (the `''` row is the empty grouping set). */
const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['page', 'k_page'],
  ...[...SOURCES, ...PLACES_AND_TECH].map(([key]) => [key.slice(2), key] as const),
  ['event', 'k_event'],
]
