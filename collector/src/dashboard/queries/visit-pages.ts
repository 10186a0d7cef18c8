import { DAYS_WITHOUT_VISIT_SUMMARY, FRESH_VISIT_STAMPS, FRESH_VISIT_SUMMARIES } from './fragments.js'
import type { DashboardQuery } from './query.js'

/**
 * The entry and exit pages panels by visits, `{limit:UInt32}` of each (`dim` `entry` or
 * `exit`), this period. As {@link visitEngagement}: a day's fresh summary (012), else
 * the per-visit rollup session_pages_daily (FINAL: one row per visit).
 */
export const visitPages: DashboardQuery = {
  name: 'visit_pages',
  reads: 'rollups',
  sql: (db) => `
    WITH ${FRESH_VISIT_STAMPS(db, '{from:Date}')} AS fresh
    SELECT dim, label, sum(n) AS visits
    FROM (
      SELECT tupleElement(page, 1) AS dim, tupleElement(page, 2) AS label, tupleElement(page, 3) AS n
      FROM (
        SELECT arrayJoin(arrayConcat(arrayMap((p, v) -> ('entry', p, v), entry_paths, entry_visits),
                                     arrayMap((p, v) -> ('exit', p, v), exit_paths, exit_visits))) AS page
        FROM (${FRESH_VISIT_SUMMARIES(db, '{from:Date}')})
      )
      UNION ALL
      SELECT tupleElement(page, 1) AS dim, tupleElement(page, 2) AS label, toUInt64(1) AS n
      FROM (
        SELECT arrayJoin([('entry', finalizeAggregation(entry)), ('exit', finalizeAggregation(exit))]) AS page
        FROM ${db}.session_pages_daily FINAL
        WHERE site_id = {site:String} AND day IN (${DAYS_WITHOUT_VISIT_SUMMARY('{from:Date}')})
      )
    )
    GROUP BY dim, label ORDER BY dim, visits DESC, label LIMIT {limit:UInt32} BY dim`,
}
