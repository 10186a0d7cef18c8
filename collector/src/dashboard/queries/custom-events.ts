import { EVERY_GRAIN } from './range-shape.js'
import { windowRows } from './time-window.js'
import type { DashboardQuery } from './query.js'

/**
 * Custom events (goals) with the most unique visitors: count, visitors, and conversion
 * rate = those visitors ÷ all unique visitors of the range (breakdown rollups, `tz`).
 * Visitors are merged for the `{candidates:UInt32}` names with the most events, as in
 * queries/breakdowns.ts.
 */
export const customEvents: DashboardQuery = {
  name: 'custom_events',
  reads: 'rollups',
  sql: (db, shape = EVERY_GRAIN) => `
    SELECT value AS label, uniqCombinedMerge(14)(uv) AS visitors, sum(n) AS events,
           (SELECT uniqCombinedMerge(14)(all_uv) FROM (${windowRows(db, { columns: 'visitors AS all_uv', where: "dim = ''", grains: shape.current })})) AS all_visitors,
           if(all_visitors = 0, 0, round(visitors / all_visitors, 4)) AS conversion_rate
    FROM (${windowRows(db, { columns: 'value, events AS n, visitors AS uv', where: "dim = 'event'", grains: shape.current })})
    WHERE value IN (
      SELECT value FROM (${windowRows(db, { columns: 'value, events', where: "dim = 'event'", grains: shape.current })})
      GROUP BY value ORDER BY sum(events) DESC, value LIMIT {candidates:UInt32}
    )
    GROUP BY label ORDER BY visitors DESC, events DESC, label LIMIT {limit:UInt32}`,
}
