/** Dates and bucket starts in a time zone, with Intl only (no date library). */

/** YYYY-MM-DD of `at` in `tz`. */
export function dateIn(tz: string, at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)
}

/** Milliseconds `tz` is ahead of UTC at `ms`. */
function offsetAt(tz: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(ms))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value)
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(ms / 1000) * 1000
}

/** Unix ms of midnight starting `date` (YYYY-MM-DD) in `tz`. */
export function midnight(date: string, tz: string): number {
  const guess = Date.parse(`${date}T00:00:00Z`)
  let t = guess - offsetAt(tz, guess)
  t = guess - offsetAt(tz, t)
  return t
}

/** `date` plus `days` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

/** Bucket starts (unix seconds) of a range: hours of one day, or days. */
export function bucketStarts(from: string, to: string, tz: string, hourly: boolean): number[] {
  const out: number[] = []
  if (hourly) {
    const end = midnight(addDays(from, 1), tz)
    for (let t = midnight(from, tz); t < end; t += 3_600_000) out.push(t / 1000)
  } else {
    for (let d = from; d <= to; d = addDays(d, 1)) out.push(midnight(d, tz) / 1000)
  }
  return out
}

export function timeZones(): string[] {
  const list = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? []
  return list.includes('UTC') ? list : ['UTC', ...list]
}
