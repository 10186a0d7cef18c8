import type { Grains } from './range-shape.js'

/**
 * The rows of the breakdown rollups (migration 011) that cover a range of days in the
 * viewer's time zone, each once, read at the coarsest grain that fits:
 *   whole UTC weeks (from Monday) inside the range → breakdown_weekly,
 *   the other whole UTC days → breakdown_daily,
 *   the hours of the partial days at either end → breakdown_hourly.
 * For a whole-hour offset the hours cut the range exactly; for a :30 or :45 offset the
 * range is taken from the UTC hour holding local midnight (30 or 45 minutes early, at
 * both ends, so its length is right). A 30-day range merges ~10 states per value.
 *
 * `from`/`to` are SQL date expressions (inclusive days in `{tz:String}`); `row_start` is each
 * row's start (DateTime UTC). `weeks` (an SQL condition) and `days` (one on a UTC day,
 * given as an SQL expression) say when those grains may be read (default: always): a
 * chart with a bucket per day reads no weeks, and a UTC day only where it is a local day.
 */
export interface WindowOptions {
  columns: string
  where: string
  from?: string
  to?: string
  weeks?: string
  days?: (day: string) => string
  /** The tables to open (range-shape.ts); default all three. */
  grains?: Grains
}

export function windowRows(db: string, o: WindowOptions): string {
  const from = o.from ?? '{from:Date}'
  const to = o.to ?? '{to:Date}'
  const start = `toDateTime(${from}, {tz:String})`
  const end = `toDateTime(${to} + 1, {tz:String})`
  // Whole UTC days [d1, d2) and whole weeks [w1, w2) inside the range; empty when d1 ≥ d2.
  const d1 = `toDate(${start} + 86399, 'UTC')`
  const d2 = `toDate(${end}, 'UTC')`
  const w1 = `toMonday(${d1} + 6)`
  const w2 = `toMonday(${d2})`
  const days = o.days ?? (() => '1')
  const weeks = o.weeks ?? '1'
  // Each grain's rows are ranges of its sorting key (site, dim, time), so the index
  // skips the rest: weeks in [w1, w2); days in [d1, d2) outside them; hours in
  // [start, end) outside [d1, d2) (d2 ≤ d1 when there is no whole day: then all hours).
  const g = o.grains ?? { weeks: true, days: true, hours: true }
  const parts = [
    g.weeks && `
      SELECT toDateTime(week, 'UTC') AS row_start, ${o.columns} FROM ${db}.breakdown_weekly
      WHERE site_id = {site:String} AND ${o.where} AND (${weeks}) AND week >= ${w1} AND week < ${w2}`,
    g.days && `
      SELECT toDateTime(day, 'UTC') AS row_start, ${o.columns} FROM ${db}.breakdown_daily
      WHERE site_id = {site:String} AND ${o.where} AND (${days('day')}) AND day >= ${d1} AND day < ${d2}
        AND (day < ${w1} OR day >= ${w2} OR NOT (${weeks}))`,
    (g.hours || !(g.weeks || g.days)) && `
      SELECT hour AS row_start, ${o.columns} FROM ${db}.breakdown_hourly
      WHERE site_id = {site:String} AND ${o.where}
        AND hour >= toStartOfHour(toTimeZone(${start}, 'UTC')) AND hour < toStartOfHour(toTimeZone(${end}, 'UTC'))
        AND (hour < toDateTime(${d1}, 'UTC') OR hour >= toDateTime(${d2}, 'UTC') OR NOT (${days('toDate(hour)')}))`,
  ]
  return parts.filter(Boolean).join('\n      UNION ALL')
}
