import { EVENT_FILTERS, IN_BOTH_PERIODS_EVENTS, IS_CURRENT_EVENT } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * {@link totals} over raw events, for a filtered view (exact in any time zone). Visitors
 * and visits are counted as the rollups count them, `uniqCombined(14)` of `visitor_id` and
 * `uniqCombined(12)` of `session_id` (011): a set of events has the same count filtered
 * or not (HyperLogLog states merge to what the union gives), so a row clicked into a
 * filter keeps its number. `uniq`, used before, differed by its own error, and took
 * longer on a broad filter (test/bench/dashboard-queries.ts).
 */
export const totalsFiltered: DashboardQuery = {
  name: 'totals',
  reads: 'events',
  sql: (db) => `
    SELECT countIf(type = 'pageview' AND ${IS_CURRENT_EVENT}) AS pageviews, uniqCombinedIf(14)(visitor_id, ${IS_CURRENT_EVENT}) AS visitors,
           uniqCombinedIf(12)(session_id, ${IS_CURRENT_EVENT}) AS visits,
           countIf(type = 'pageview' AND NOT ${IS_CURRENT_EVENT}) AS prev_pageviews, uniqCombinedIf(14)(visitor_id, NOT ${IS_CURRENT_EVENT}) AS prev_visitors,
           uniqCombinedIf(12)(session_id, NOT ${IS_CURRENT_EVENT}) AS prev_visits
    FROM ${db}.events
    WHERE ${IN_BOTH_PERIODS_EVENTS} ${EVENT_FILTERS(db)}`,
}
