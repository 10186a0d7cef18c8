import { DAYS_WITHOUT_VISIT_SUMMARY, FRESH_VISIT_STAMPS, FRESH_VISIT_SUMMARIES } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * The visit panels in one query, so the summaries' freshness (`fresh`) is read once:
 * - the `engagement` row: visits, bounce rate and mean visit duration, this period and
 *   the previous one;
 * - `entry` and `exit` rows: entry and exit pages by visits, `{limit:UInt32}` of each.
 * UTC days; a visit crossing midnight counts on both days. Each day comes from its fresh
 * visit summary (012: one row per closed day) or, without one (today, a day changed since
 * it was summarised), from the per-visit rollups: sessions_daily and session_pages_daily,
 * one row per visit. FINAL merges rows of their whole sorting key (site, day, session), the
 * same as GROUP BY day, session_id (and 2.6× faster); `pageviews > 0` is applied after it
 * (no PREWHERE with FINAL). Both sides sum visits, bounces and milliseconds, so the days add
 * up exactly. Each row carries every column; `dim` says which panel reads which.
 */
export const visits: DashboardQuery = {
  name: 'visits',
  reads: 'rollups',
  sql: (db) => `
    WITH ${FRESH_VISIT_STAMPS(db, '{prev_from:Date}')} AS fresh
    SELECT 'engagement' AS dim, '' AS label, toUInt64(0) AS visits,
           sumIf(n, cur) AS visit_count, sumIf(bounced, cur) AS bounce_count,
           if(visit_count = 0, 0, round(bounce_count / visit_count, 4)) AS bounce_rate,
           if(visit_count = 0, 0, round(sumIf(ms, cur) / visit_count / 1000, 1)) AS avg_duration_s,
           sumIf(n, NOT cur) AS prev_visit_count,
           if(prev_visit_count = 0, 0, round(sumIf(bounced, NOT cur) / prev_visit_count, 4)) AS prev_bounce_rate,
           if(prev_visit_count = 0, 0, round(sumIf(ms, NOT cur) / prev_visit_count / 1000, 1)) AS prev_avg_duration_s
    FROM (
      SELECT day >= {from:Date} AS cur, visits AS n, bounces AS bounced, duration_ms AS ms
      FROM (${FRESH_VISIT_SUMMARIES(db, '{prev_from:Date}')})
      UNION ALL
      SELECT day >= {from:Date} AS cur, toUInt64(1) AS n, toUInt64(pageviews = 1) AS bounced, toInt64(dateDiff('millisecond', started, ended)) AS ms
      FROM ${db}.sessions_daily FINAL
      WHERE site_id = {site:String} AND day IN (${DAYS_WITHOUT_VISIT_SUMMARY('{prev_from:Date}')}) AND pageviews > 0
    )
    UNION ALL
    SELECT dim, label, visits, 0, 0, 0, 0, 0, 0, 0
    FROM (
      SELECT dim, label, sum(n) AS visits
      FROM (
        SELECT tupleElement(page, 1) AS dim, tupleElement(page, 2) AS label, tupleElement(page, 3) AS n
        FROM (
          SELECT arrayJoin(arrayConcat(arrayMap((p, v) -> ('entry', p, v), entry_paths, entry_visits),
                                       arrayMap((p, v) -> ('exit', p, v), exit_paths, exit_visits))) AS page
          FROM (${FRESH_VISIT_SUMMARIES(db, '{from:Date}')})
        )
        UNION ALL
        SELECT tupleElement(page, 1) AS dim, tupleElement(page, 2) AS label, toUInt64(1) AS n
        FROM (
          SELECT arrayJoin([('entry', finalizeAggregation(entry)), ('exit', finalizeAggregation(exit))]) AS page
          FROM ${db}.session_pages_daily FINAL
          WHERE site_id = {site:String} AND day IN (${DAYS_WITHOUT_VISIT_SUMMARY('{from:Date}')})
        )
      )
      GROUP BY dim, label ORDER BY dim, visits DESC, label LIMIT {limit:UInt32} BY dim
    )`,
}
