/**
 * Which grains of the breakdown rollups a range needs (queries/time-window.ts): a
 * query leaves out a table that has no rows for it, because on the embedded engine
 * every table a query opens costs a few milliseconds even when it reads nothing. Only
 * ever leaves a grain out when it is sure: the SQL's own conditions still decide which
 * rows count, so including a grain is always correct.
 */
export interface Grains {
  weeks: boolean
  days: boolean
  hours: boolean
}

export interface RangeShape {
  current: Grains
  previous: Grains
  /** The chart: hours for an hourly chart or a zone that is not UTC, else days. */
  series: Grains
  /**
   * Whether the current period holds a UTC day before today, which may have a visit
   * summary (012; today never has one). Without one the entry and exit pages read the
   * per-visit rows alone: exact either way, as those rows always hold every visit.
   */
  visitSummaries: boolean
}

export const EVERY_GRAIN: RangeShape = {
  current: { weeks: true, days: true, hours: true },
  previous: { weeks: true, days: true, hours: true },
  series: { weeks: false, days: true, hours: true },
  visitSummaries: true,
}

const DAY = 86_400_000
const HOUR = 3_600_000

/** The grains a read of both periods at once needs (time-window.ts windowRowsOfBoth). */
export function eitherPeriod(shape: RangeShape): Grains {
  const { current: c, previous: p } = shape
  return { weeks: c.weeks || p.weeks, days: c.days || p.days, hours: c.hours || p.hours }
}

export function rangeShape(v: { from: string; to: string; prev_from: string; prev_to: string; tz: string; hourly: 0 | 1 }, now = Date.now()): RangeShape {
  const utcDays = seriesReadsDays(v)
  return {
    current: grainsOf(periodBounds(v.from, v.to, v.tz)),
    previous: grainsOf(periodBounds(v.prev_from, v.prev_to, v.tz)),
    series: { weeks: false, days: utcDays, hours: !utcDays },
    visitSummaries: day(v.from) < Math.floor(now / DAY),
  }
}

/**
 * Where a period's rows lie in each grain (time-window.ts): whole UTC weeks [w1, w2),
 * the other whole UTC days [d1, d2), and hours [h1, h2) outside [d1, d2). Days are day
 * numbers, hours unix seconds. A :30/:45 zone's range starts at the UTC hour holding
 * local midnight (30/45 minutes early, at both ends, so its length is right).
 */
interface PeriodBounds { start: number; end: number; w1: number; w2: number; d1: number; d2: number; h1: number; h2: number }

function periodBounds(from: string, to: string, tz: string): PeriodBounds {
  const start = localMidnight(day(from), tz)
  const end = localMidnight(day(to) + 1, tz)
  const d1 = Math.ceil(start / DAY)
  const d2 = Math.floor(end / DAY)
  // Day numbers count from Thursday 1970-01-01: a Monday is (n + 3) % 7 == 0.
  const w1 = d1 + ((7 - ((d1 + 3) % 7)) % 7)
  const w2 = d2 - ((d2 + 3) % 7)
  return { start: start / 1000, end: end / 1000, w1, w2, d1, d2, h1: Math.floor(start / HOUR) * 3600, h2: Math.floor(end / HOUR) * 3600 }
}

function grainsOf(b: PeriodBounds): Grains {
  const weeks = b.w1 < b.w2
  const days = b.d1 < b.d2 && (!weeks || b.d1 < b.w1 || b.w2 < b.d2)
  const hours = b.d1 >= b.d2 || b.h1 !== b.d1 * 86_400 || b.h2 !== b.d2 * 86_400
  return { weeks, days, hours }
}

/**
 * The window parameters of the rollup queries, computed here from the validated dates so
 * that the SQL compares each grain's time with plain constants (on the embedded engine,
 * planning a query full of time zone arithmetic took longer than reading its rows):
 * `{cur_*}` the current period, `{prev_*}` the previous one, `{series_*}` the chart (no
 * weeks; days only where every local midnight is a UTC one, else hours). Each is
 * `_start`, `_end` (the period's first and last instants), `_w1`, `_w2`, `_d1`, `_d2` (Date)
 * and `_h1`, `_h2`, `_hd1`, `_hd2` (UInt32 unix seconds; `_hd*` are the days' bounds as instants).
 */
export function windowParams(v: { from: string; to: string; prev_from: string; prev_to: string; tz: string; hourly: 0 | 1 }): Record<string, string | number> {
  const cur = periodBounds(v.from, v.to, v.tz)
  const chart = seriesReadsDays(v)
    ? { ...cur, w1: cur.d1, w2: cur.d1 }
    : { ...cur, w1: cur.d1, w2: cur.d1, d2: cur.d1 }
  const out: Record<string, string | number> = {}
  for (const [name, b] of [['cur', cur], ['prev', periodBounds(v.prev_from, v.prev_to, v.tz)], ['series', chart]] as const) {
    out[`${name}_start`] = b.start
    out[`${name}_end`] = b.end
    out[`${name}_w1`] = dateOf(b.w1)
    out[`${name}_w2`] = dateOf(b.w2)
    out[`${name}_d1`] = dateOf(b.d1)
    out[`${name}_d2`] = dateOf(b.d2)
    out[`${name}_h1`] = b.h1
    out[`${name}_h2`] = b.h2
    out[`${name}_hd1`] = b.d1 * 86_400
    out[`${name}_hd2`] = b.d2 * 86_400
  }
  return out
}

/** A chart with a bucket per day reads the daily grain when every local midnight is a UTC one. */
function seriesReadsDays(v: { from: string; to: string; tz: string; hourly: 0 | 1 }): boolean {
  return v.hourly === 0 && everyMidnightIsUtc(v.from, v.to, v.tz)
}

function everyMidnightIsUtc(from: string, to: string, tz: string): boolean {
  for (let d = day(from); d <= day(to) + 1; d++) if (localMidnight(d, tz) !== d * DAY) return false
  return true
}

const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY
const dateOf = (n: number) => new Date(n * DAY).toISOString().slice(0, 10)

/**
 * The first instant (ms) of day number `d` in `tz`: its local midnight (the first one, where
 * clocks fall back across it), or where a DST change skips midnight (Havana, Santiago,
 * the Azores) the change itself, as ClickHouse's `toDateTime(date, tz)` answers.
 */
function localMidnight(d: number, tz: string): number {
  const wall = d * DAY
  const at = [offsetMs(wall - 14 * HOUR, tz), offsetMs(wall, tz), offsetMs(wall + 14 * HOUR, tz)]
    .map((o) => wall - o)
    .filter((t) => offsetMs(t, tz) === wall - t)
  if (at.length > 0) return Math.min(...at)
  // Midnight does not exist: the first second whose local time is past it.
  let [before, after] = [wall - 14 * HOUR, wall + 14 * HOUR]
  while (after - before > 1000) {
    const mid = before + Math.floor((after - before) / 2000) * 1000
    if (mid + offsetMs(mid, tz) >= wall) after = mid
    else before = mid
  }
  return after
}

const formats = new Map<string, Intl.DateTimeFormat>()
function offsetMs(at: number, tz: string): number {
  let f = formats.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formats.set(tz, f)
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]))
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - Math.floor(at / 1000) * 1000
}
