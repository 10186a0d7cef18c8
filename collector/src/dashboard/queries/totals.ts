import { EVERY_GRAIN, eitherPeriod } from './range-shape.js'
import { windowRowsOfBoth } from './time-window.js'
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
    FROM (${windowRowsOfBoth(db, { columns: 'pageviews AS pv, visitors AS uv, visits AS vs', where: "dim = ''", grains: eitherPeriod(shape) })})`,
}
