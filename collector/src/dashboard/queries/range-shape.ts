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
}

export const EVERY_GRAIN: RangeShape = {
  current: { weeks: true, days: true, hours: true },
  previous: { weeks: true, days: true, hours: true },
  series: { weeks: false, days: true, hours: true },
}

const DAY = 86_400_000

export function rangeShape(v: { from: string; to: string; prev_from: string; prev_to: string; tz: string; hourly: 0 | 1 }): RangeShape {
  const utcDays = v.hourly === 0 && everyMidnightIsUtc(v.from, v.to, v.tz)
  return {
    current: grainsOf(v.from, v.to, v.tz),
    previous: grainsOf(v.prev_from, v.prev_to, v.tz),
    series: { weeks: false, days: utcDays, hours: !utcDays },
  }
}

function grainsOf(from: string, to: string, tz: string): Grains {
  const start = localMidnight(day(from), tz)
  const end = localMidnight(day(to) + 1, tz)
  const d1 = Math.ceil(start / DAY)
  const d2 = Math.floor(end / DAY)
  // Day numbers count from Thursday 1970-01-01: a Monday is (n + 3) % 7 == 0.
  const w1 = d1 + ((7 - ((d1 + 3) % 7)) % 7)
  const w2 = d2 - ((d2 + 3) % 7)
  const weeks = w1 < w2
  const days = d1 < d2 && (!weeks || d1 < w1 || w2 < d2)
  const hours = d1 >= d2 || start % DAY !== 0 || end % DAY !== 0
  return { weeks, days, hours }
}

function everyMidnightIsUtc(from: string, to: string, tz: string): boolean {
  for (let d = day(from); d <= day(to) + 1; d++) if (localMidnight(d, tz) !== d * DAY) return false
  return true
}

const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY

/** The instant (ms) of local midnight starting day number `d` in `tz`. */
function localMidnight(d: number, tz: string): number {
  const guess = d * DAY
  const first = guess - offsetMs(guess, tz)
  return guess - offsetMs(first, tz)
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
