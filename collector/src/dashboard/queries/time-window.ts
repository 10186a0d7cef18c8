import type { Grains } from './range-shape.js'

/**
 * The rows of the breakdown rollups (migrations 011, 013) that cover a period, each once,
 * read at the coarsest grain that fits:
 *   whole UTC weeks (from Monday) inside the period → breakdown_by_week,
 *   the other whole UTC days → breakdown_by_day,
 *   the hours of the partial days at either end → breakdown_by_hour.
 * For a whole-hour offset the hours cut the period exactly; for a :30 or :45 offset it
 * is taken from the UTC hour holding local midnight (30 or 45 minutes early, at both
 * ends, so its length is right). A 30-day range merges ~6 states per value.
 *
 * The bounds are parameters computed from the validated dates (range-shape.ts
 * windowParams): `cur` the current period, `prev` the previous one, `series` the chart's
 * (no weeks; days only where they are local days). `row_start` is each row's start
 * (DateTime UTC).
 */
export type Period = 'cur' | 'prev' | 'series'

export interface WindowOptions {
  columns: string
  where: string
  /** Default `cur`. */
  period?: Period
  /** The tables to open (range-shape.ts); default all three. */
  grains?: Grains
}

export function windowRows(db: string, o: WindowOptions): string {
  const p = o.period ?? 'cur'
  return grainParts(o.grains, (grain) => `
      SELECT ${ROW_START[grain]} AS row_start, ${o.columns} FROM ${db}.${TABLE[grain]}
      WHERE site_id = {site:String} AND ${o.where} AND ${inPeriod(p, grain)}`)
}

/**
 * {@link windowRows} of the current period and the previous one in one read of each
 * grain, with a column `cur` (1 for a row of the current period). On the embedded
 * engine every table a query opens costs milliseconds, so two periods opening each
 * grain once is the cheaper read. `grains` is what either period needs.
 */
export function windowRowsOfBoth(db: string, o: Omit<WindowOptions, 'period'>): string {
  return grainParts(o.grains, (grain) => `
      SELECT ${ROW_START[grain]} AS row_start, ${inPeriod('cur', grain)} AS cur, ${o.columns} FROM ${db}.${TABLE[grain]}
      WHERE site_id = {site:String} AND ${o.where} AND (cur OR ${inPeriod('prev', grain)})`)
}

const TABLE = { weeks: 'breakdown_by_week', days: 'breakdown_by_day', hours: 'breakdown_by_hour' } as const
const ROW_START = { weeks: "toDateTime(week, 'UTC')", days: "toDateTime(day, 'UTC')", hours: 'hour' } as const

function grainParts(grains: Grains | undefined, part: (grain: keyof Grains) => string): string {
  const g = grains ?? { weeks: true, days: true, hours: true }
  const open = (['weeks', 'days', 'hours'] as const).filter((k) => g[k])
  return (open.length > 0 ? open : (['hours'] as const)).map(part).join('\n      UNION ALL')
}

/**
 * A grain's rows inside period `p`. Each is a range of the grain's sorting key (site,
 * dim, time, value), so the index skips the rest: weeks in [w1, w2); days in [d1, d2) outside
 * the weeks; hours in [h1, h2) outside [d1, d2) (d2 ≤ d1 when there is no whole day:
 * then every hour; w2 ≤ w1 when there is no whole week: then every day).
 */
function inPeriod(p: Period, grain: keyof Grains): string {
  switch (grain) {
    case 'weeks':
      return `(week >= {${p}_w1:Date} AND week < {${p}_w2:Date})`
    case 'days':
      return `(day >= {${p}_d1:Date} AND day < {${p}_d2:Date} AND (day < {${p}_w1:Date} OR day >= {${p}_w2:Date}))`
    case 'hours':
      return `(hour >= toDateTime({${p}_h1:UInt32}, 'UTC') AND hour < toDateTime({${p}_h2:UInt32}, 'UTC')
        AND (hour < toDateTime({${p}_hd1:UInt32}, 'UTC') OR hour >= toDateTime({${p}_hd2:UInt32}, 'UTC')))`
  }
}
