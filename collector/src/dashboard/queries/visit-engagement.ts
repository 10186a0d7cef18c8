import { DAYS_WITHOUT_VISIT_SUMMARY, FRESH_VISIT_STAMPS, FRESH_VISIT_SUMMARIES } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * The engagement panel: visits, bounce rate and mean visit duration, this period and the
 * previous one. UTC days; a visit crossing midnight counts on both days. Each day comes
 * from its fresh visit summary (012: one row per closed day) or, without one (today, a
 * day changed since it was summarised), from the per-visit rollup sessions_daily, one row
 * per visit. FINAL merges rows of its whole sorting key (site, day, session), the same as
 * GROUP BY day, session_id (and 2.6× faster); `pageviews > 0` is applied after it (no
 * PREWHERE with FINAL). Both sides sum visits, bounces and milliseconds, so the days add
 * up exactly. Apart from {@link visitPages}, so the two run side by side.
 */
export const visitEngagement: DashboardQuery = {
  name: 'engagement',
  reads: 'rollups',
  sql: (db) => `
    WITH ${FRESH_VISIT_STAMPS(db, '{prev_from:Date}')} AS fresh
    SELECT sumIf(n, cur) AS visit_count, sumIf(bounced, cur) AS bounce_count,
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
    )`,
}
