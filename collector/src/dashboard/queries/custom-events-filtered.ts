import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** {@link customEvents} over raw events of the filtered view (conversion among its visitors). */
export const customEventsFiltered: DashboardQuery = {
  name: 'custom_events',
  reads: 'events',
  sql: (db) => `
    SELECT toString(name) AS label, uniqIf(visitor_id, type = 'track') AS visitors, countIf(type = 'track') AS events,
           (SELECT uniq(visitor_id) FROM ${db}.events WHERE ${IN_RANGE_EVENTS} ${EVENT_FILTERS(db)}) AS all_visitors,
           if(all_visitors = 0, 0, round(visitors / all_visitors, 4)) AS conversion_rate
    FROM ${db}.events
    WHERE ${IN_RANGE_EVENTS} AND type = 'track' AND name != 'engagement' ${EVENT_FILTERS(db)}
    GROUP BY label ORDER BY visitors DESC, events DESC, label LIMIT {limit:UInt32}`,
}
