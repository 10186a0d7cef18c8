/**
 * SQL fragments shared by the dashboard's queries. Every value is a ClickHouse-typed
 * parameter; a fragment is fixed text, never built from input.
 *
 * Parameters of every panel query:
 *   {site:String} {tz:String} {from:Date} {to:Date} (inclusive, days in `tz`)
 *   {prev_from:Date} {prev_to:Date} (the period of the same length just before)
 *   and the window bounds of range-shape.ts windowParams ({cur_start:UInt32}, …)
 * Hourly rollups are grouped in `tz` (exact for whole-hour offsets); daily rollups are
 * UTC days `from`…`to` (a day-grained breakdown cannot be cut at another midnight).
 */

// The periods' first and last instants, computed from the validated dates (range-shape.ts
// windowParams): constants here, so no time zone arithmetic is left for the planner.
const START = `toDateTime({cur_start:UInt32}, 'UTC')`
const END = `toDateTime({cur_end:UInt32}, 'UTC')`
const PREV_START = `toDateTime({prev_start:UInt32}, 'UTC')`

/** `hour` of an hourly rollup inside the chosen days in `tz`. */
export const IN_RANGE_HOURS = `hour >= ${START} AND hour < ${END}`

/** `hour` inside the current or the previous period. */
export const IN_BOTH_PERIODS_HOURS = `hour >= ${PREV_START} AND hour < ${END}`
export const IS_CURRENT_HOUR = `hour >= ${START}`

/** `day` of a daily rollup (UTC days). */
export const IN_RANGE_DAYS = `day BETWEEN {from:Date} AND {to:Date}`

/** Raw events inside the chosen days in `tz` (exact for any offset). */
export const IN_RANGE_EVENTS = `site_id = {site:String} AND ts >= ${START} AND ts < ${END} AND is_bot = 0`
export const IN_BOTH_PERIODS_EVENTS = `site_id = {site:String} AND ts >= ${PREV_START} AND ts < ${END} AND is_bot = 0`
export const IS_CURRENT_EVENT = `ts >= ${START}`

/**
 * The event filters of a filtered view: each `{f_x:Array(String)}` is empty (no filter)
 * or the values to keep. `f_event` keeps the visitors who sent that custom event in
 * the range (a goal filter), so page panels still show pages; GLOBAL, because on a cluster
 * `events` is Distributed and a plain IN over a Distributed subquery is refused.
 */
export const EVENT_FILTERS = (db: string) => `
      AND (empty({f_page:Array(String)}) OR path IN {f_page:Array(String)})
      AND (empty({f_channel:Array(String)}) OR channel IN {f_channel:Array(String)})
      AND (empty({f_referrer:Array(String)}) OR referrer_host IN {f_referrer:Array(String)})
      AND (empty({f_utm_source:Array(String)}) OR utm_source IN {f_utm_source:Array(String)})
      AND (empty({f_utm_medium:Array(String)}) OR utm_medium IN {f_utm_medium:Array(String)})
      AND (empty({f_utm_campaign:Array(String)}) OR utm_campaign IN {f_utm_campaign:Array(String)})
      AND (empty({f_country:Array(String)}) OR country IN {f_country:Array(String)})
      AND (empty({f_region:Array(String)}) OR region IN {f_region:Array(String)})
      AND (empty({f_browser:Array(String)}) OR browser IN {f_browser:Array(String)})
      AND (empty({f_os:Array(String)}) OR os IN {f_os:Array(String)})
      AND (empty({f_device:Array(String)}) OR device_type IN {f_device:Array(String)})
      AND (empty({f_event:Array(String)}) OR visitor_id GLOBAL IN (
            SELECT visitor_id FROM ${db}.events
            WHERE ${IN_RANGE_EVENTS} AND type = 'track' AND name IN {f_event:Array(String)}))`

/** Revenue rollups filtered by province and cabinet (orders have no visitor to filter by). */
export const ORDER_FILTERS = `
      AND (empty({f_province:Array(String)}) OR province IN {f_province:Array(String)})`
export const CABINET_FILTER = `
      AND (empty({f_cabinet:Array(String)}) OR cabinet IN {f_cabinet:Array(String)})`

/**
 * Visits, bounce rate and mean duration of this period and the previous one, over a
 * subquery of one row per visit: `cur` (in this period), `pv` (its page views), `ms`.
 */
export const ENGAGEMENT_TOTALS = `SELECT countIf(cur) AS visit_count, countIf(cur AND pv = 1) AS bounce_count,
           if(visit_count = 0, 0, round(bounce_count / visit_count, 4)) AS bounce_rate,
           if(visit_count = 0, 0, round(avgIf(ms, cur) / 1000, 1)) AS avg_duration_s,
           countIf(NOT cur) AS prev_visit_count,
           if(prev_visit_count = 0, 0, round(countIf(NOT cur AND pv = 1) / prev_visit_count, 4)) AS prev_bounce_rate,
           if(prev_visit_count = 0, 0, round(avgIf(ms, NOT cur) / 1000, 1)) AS prev_avg_duration_s`

/**
 * The (day, stamp) of every fresh visit summary (012) of the days `from`…{to:Date}: its
 * stamp equals traffic_daily's sum(events) for that day now, so it still equals what the
 * per-visit rollups say. A scalar, read once per query: `WITH ${FRESH_VISIT_STAMPS(..)} AS fresh`.
 * `from` is one of the two period starts (fixed text).
 */
export const FRESH_VISIT_STAMPS = (db: string, from: '{from:Date}' | '{prev_from:Date}') => `(
      SELECT groupArray((day, stamp)) FROM ${db}.visit_summaries_daily
      WHERE site_id = {site:String} AND day BETWEEN ${from} AND {to:Date}
        AND (day, stamp) IN (SELECT day, sum(events) FROM ${db}.traffic_daily
                             WHERE site_id = {site:String} AND day BETWEEN ${from} AND {to:Date} GROUP BY day))`

/** One fresh summary per covered day (the newest), given `fresh` from FRESH_VISIT_STAMPS. */
export const FRESH_VISIT_SUMMARIES = (db: string, from: '{from:Date}' | '{prev_from:Date}') => `
      SELECT day, visits, bounces, duration_ms, entry_paths, entry_visits, exit_paths, exit_visits
      FROM ${db}.visit_summaries_daily
      WHERE site_id = {site:String} AND day BETWEEN ${from} AND {to:Date} AND has(fresh, (day, stamp))
      ORDER BY day, computed_at DESC LIMIT 1 BY day`

/** The days `from`…{to:Date} without a fresh summary (given `fresh`): read from the per-visit rollups. */
export const DAYS_WITHOUT_VISIT_SUMMARY = (from: '{from:Date}' | '{prev_from:Date}') => `
      SELECT arrayJoin(arrayFilter(d -> NOT has(arrayMap(f -> f.1, fresh), d),
                                   arrayMap(i -> ${from} + i, range(toUInt32(dateDiff('day', ${from}, {to:Date}) + 1)))))`
