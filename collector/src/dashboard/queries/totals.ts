import { EVERY_GRAIN } from './range-shape.js'
import { windowRows } from './time-window.js'
import type { DashboardQuery } from './query.js'

/**
 * Page views, unique visitors and visits, this period and the previous one, in `tz`
 * (breakdown rollups, all-traffic rows: whole weeks, days, then the hours at the ends).
 */
export const totals: DashboardQuery = {
  name: 'totals',
  reads: 'rollups',
  sql: (db, shape = EVERY_GRAIN) => `
    SELECT sumIf(pv, cur) AS pageviews, uniqCombinedMergeIf(14)(uv, cur) AS visitors,
           uniqCombinedMergeIf(12)(vs, cur) AS visits,
           sumIf(pv, NOT cur) AS prev_pageviews, uniqCombinedMergeIf(14)(uv, NOT cur) AS prev_visitors,
           uniqCombinedMergeIf(12)(vs, NOT cur) AS prev_visits
    FROM (
      SELECT 1 AS cur, pageviews AS pv, visitors AS uv, visits AS vs FROM (${windowRows(db, { columns: 'pageviews, visitors, visits', where: "dim = ''", grains: shape.current })})
      UNION ALL
      SELECT 0 AS cur, pageviews AS pv, visitors AS uv, visits AS vs FROM (${windowRows(db, {
        columns: 'pageviews, visitors, visits', where: "dim = ''", from: '{prev_from:Date}', to: '{prev_to:Date}', grains: shape.previous,
      })})
    )`,
}
