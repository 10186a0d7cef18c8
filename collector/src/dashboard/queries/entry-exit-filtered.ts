import { EVENT_FILTERS, IN_RANGE_EVENTS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** The entry and exit pages of {@link visits} over raw page views of the filtered view (visits in the range). */
export const entryExitFiltered: DashboardQuery = {
  name: 'entry_exit',
  reads: 'events',
  sql: (db) => `
    SELECT label, count() AS visits, count() AS sessions
    FROM (
      SELECT session_id, if({by:String} = 'entry', argMin(path, ts), argMax(path, ts)) AS label
      FROM ${db}.events
      WHERE ${IN_RANGE_EVENTS} AND type = 'pageview' AND session_id != '' ${EVENT_FILTERS(db)}
      GROUP BY session_id
    )
    GROUP BY label ORDER BY visits DESC, label LIMIT {limit:UInt32}`,
}
