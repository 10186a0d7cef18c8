import type { RangeShape } from './range-shape.js'

/** One dashboard question: fixed SQL text over ClickHouse-typed parameters. */
export interface DashboardQuery {
  /** What it answers, and the key of its rows in the API's answer. */
  readonly name: string
  /** `rollups` (unfiltered panels) or `events` (filtered views, live visitors). */
  readonly reads: 'rollups' | 'events' | 'ledger'
  /** `shape` lets a query open only the rollup grains the range needs (range-shape.ts). */
  sql(db: string, shape?: RangeShape): string
}
