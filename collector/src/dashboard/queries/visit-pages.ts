import { DAYS_WITHOUT_VISIT_SUMMARY, FRESH_VISIT_STAMPS, FRESH_VISIT_SUMMARIES } from './fragments.js'
import type { DashboardQuery } from './query.js'
import { EVERY_GRAIN } from './range-shape.js'

/**
 * The entry and exit pages panels by visits, `{limit:UInt32}` of each (`dim` `entry` or
 * `exit`), this period. As {@link visitEngagement}: a day's fresh summary (012), else
 * the per-visit rollup session_pages_daily (FINAL: one row per visit). A period of today
 * alone (range-shape.ts `visitSummaries`) reads the per-visit rows without looking for
 * summaries (~15 ms of the query, on the page's longest query).
 */
export const visitPages: DashboardQuery = {
  name: 'visit_pages',
  reads: 'rollups',
  sql: (db, shape = EVERY_GRAIN) => (shape.visitSummaries ? withSummaries(db) : perVisitOnly(db)),
}

/** Each visit's entry and exit page, of the days `onDays` keeps. */
const PER_VISIT_PAGES = (db: string, onDays: string) => `
        SELECT arrayJoin([('entry', finalizeAggregation(entry)), ('exit', finalizeAggregation(exit))]) AS page
        FROM ${db}.session_pages_daily FINAL
        WHERE site_id = {site:String} AND ${onDays}`

const perVisitOnly = (db: string) => `
    SELECT tupleElement(page, 1) AS dim, tupleElement(page, 2) AS label, count() AS visits
    FROM (${PER_VISIT_PAGES(db, 'day BETWEEN {from:Date} AND {to:Date}')})
    GROUP BY dim, label ORDER BY dim, visits DESC, label LIMIT {limit:UInt32} BY dim`

const withSummaries = (db: string) => `
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
      FROM (${PER_VISIT_PAGES(db, `day IN (${DAYS_WITHOUT_VISIT_SUMMARY('{from:Date}')})`)})
    )
    GROUP BY dim, label ORDER BY dim, visits DESC, label LIMIT {limit:UInt32} BY dim`
