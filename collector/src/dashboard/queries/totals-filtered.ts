import { EVENT_FILTERS, IN_BOTH_PERIODS_EVENTS, IS_CURRENT_EVENT } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** {@link totals} over raw events, for a filtered view (exact in any time zone). */
export const totalsFiltered: DashboardQuery = {
  name: 'totals',
  reads: 'events',
  sql: (db) => `
    SELECT countIf(type = 'pageview' AND ${IS_CURRENT_EVENT}) AS pageviews, uniqIf(visitor_id, ${IS_CURRENT_EVENT}) AS visitors,
           uniqIf(session_id, ${IS_CURRENT_EVENT}) AS visits,
           countIf(type = 'pageview' AND NOT ${IS_CURRENT_EVENT}) AS prev_pageviews, uniqIf(visitor_id, NOT ${IS_CURRENT_EVENT}) AS prev_visitors,
           uniqIf(session_id, NOT ${IS_CURRENT_EVENT}) AS prev_visits
    FROM ${db}.events
    WHERE ${IN_BOTH_PERIODS_EVENTS} ${EVENT_FILTERS(db)}`,
}
