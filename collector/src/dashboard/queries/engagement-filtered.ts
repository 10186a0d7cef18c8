import { ENGAGEMENT_TOTALS, EVENT_FILTERS, IN_BOTH_PERIODS_EVENTS, IS_CURRENT_EVENT } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** The engagement row of {@link visitEngagement} over raw events of the filtered view (visits as sessions in the range). */
export const engagementFiltered: DashboardQuery = {
  name: 'engagement',
  reads: 'events',
  sql: (db) => `
    ${ENGAGEMENT_TOTALS}
    FROM (
      SELECT ${IS_CURRENT_EVENT} AS cur, countIf(type = 'pageview') AS pv, dateDiff('millisecond', min(ts), max(ts)) AS ms
      FROM ${db}.events
      WHERE ${IN_BOTH_PERIODS_EVENTS} AND session_id != '' ${EVENT_FILTERS(db)}
      GROUP BY cur, session_id
      HAVING pv > 0
    )`,
}
