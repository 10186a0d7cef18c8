import { IN_RANGE_DAYS } from './fragments.js'
import type { DashboardQuery } from './query.js'

/** Entry (`{by:String}` = 'entry') or exit pages by visits (session_pages_daily, UTC days). */
export const entryExitPages: DashboardQuery = {
  name: 'entry_exit',
  reads: 'rollups',
  sql: (db) => `
    SELECT label, count() AS visits, uniqExact(session_id) AS sessions
    FROM (
      SELECT day, session_id, if({by:String} = 'entry', argMinMerge(entry), argMaxMerge(exit)) AS label
      FROM ${db}.session_pages_daily
      WHERE site_id = {site:String} AND ${IN_RANGE_DAYS}
      GROUP BY day, session_id
    )
    GROUP BY label ORDER BY visits DESC, label LIMIT {limit:UInt32}`,
}
