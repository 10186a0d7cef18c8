import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * The entry and exit pages of {@link visitPages} over raw page views of the filtered view
 * (visits in the range), `{limit:UInt32}` of each (`dim` `entry` or `exit`): one pass
 * over the events for both. As two queries, a broad or goal filter scanned and grouped
 * every event of the range twice.
 */
export const entryExitFiltered: DashboardQuery = {
  name: 'entry_exit',
  reads: 'events',
  sql: (db) => `
    SELECT tupleElement(page, 1) AS dim, tupleElement(page, 2) AS label, count() AS visits
    FROM (
      SELECT arrayJoin([('entry', argMin(path, ts)), ('exit', argMax(path, ts))]) AS page
      FROM ${db}.events
      WHERE ${IN_RANGE_EVENTS} AND type = 'pageview' AND session_id != '' ${EVENT_FILTERS(db)}
      GROUP BY session_id
    )
    GROUP BY dim, label ORDER BY dim, visits DESC, label LIMIT {limit:UInt32} BY dim`,
}
