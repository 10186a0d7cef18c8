import { EVENT_FILTERS, IN_BOTH_PERIODS_EVENTS, IS_CURRENT_EVENT } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** {@link engagement} over raw events of the filtered view (visits as sessions in the range). */
export const engagementFiltered: DashboardQuery = {
  name: 'engagement',
  reads: 'events',
  sql: (db) => `
    SELECT countIf(cur) AS visit_count, countIf(cur AND pv = 1) AS bounce_count,
           if(visit_count = 0, 0, round(bounce_count / visit_count, 4)) AS bounce_rate,
           if(visit_count = 0, 0, round(avgIf(ms, cur) / 1000, 1)) AS avg_duration_s,
           countIf(NOT cur) AS prev_visit_count,
           if(prev_visit_count = 0, 0, round(countIf(NOT cur AND pv = 1) / prev_visit_count, 4)) AS prev_bounce_rate,
           if(prev_visit_count = 0, 0, round(avgIf(ms, NOT cur) / 1000, 1)) AS prev_avg_duration_s
    FROM (
      SELECT ${IS_CURRENT_EVENT} AS cur, countIf(type = 'pageview') AS pv, dateDiff('millisecond', min(ts), max(ts)) AS ms
      FROM ${db}.events
      WHERE ${IN_BOTH_PERIODS_EVENTS} AND session_id != '' ${EVENT_FILTERS(db)}
      GROUP BY cur, session_id
      HAVING pv > 0
    )`,
}
