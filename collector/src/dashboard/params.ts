import { RequestError } from '../http/errors.js'
import { windowParams } from './queries/range-shape.js'

/** Dimensions a view can be filtered by (`f.<name>=value` in the query string, repeatable). */
export const FILTER_NAMES = [
  'page', 'channel', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign', 'country', 'region',
  'browser', 'os', 'device', 'event', 'province', 'cabinet',
] as const
export type FilterName = (typeof FILTER_NAMES)[number]
/** Filters that apply to orders; every other one applies to events. */
const ORDER_FILTER_NAMES: readonly FilterName[] = ['province', 'cabinet']

const MAX_DAYS = 366
const MAX_VALUES = 10
const MAX_VALUE_LENGTH = 512
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export interface ViewParams {
  site: string
  tz: string
  from: string
  to: string
  prev_from: string
  prev_to: string
  /** 1 for a one-day range (hourly chart), else 0. */
  hourly: 0 | 1
  filters: Record<FilterName, string[]>
  /** Some event filter is set: event panels read raw events. */
  eventFiltered: boolean
}

/** A time zone both Intl and ClickHouse can name (IANA), e.g. `Europe/Berlin`, `UTC`. */
export function checkTimeZone(tz: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(tz)) throw bad(`tz: not a time zone name: ${tz.slice(0, 64)}`)
  let canonical: string
  try {
    canonical = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone
  } catch {
    throw bad(`tz: unknown time zone ${tz}`)
  }
  // Intl ignores case (ClickHouse does not, and every spelling would be a view of its
  // own): `asia/shanghai` is Asia/Shanghai. An alias Intl maps to another name is kept.
  return canonical.toLowerCase() === tz.toLowerCase() ? canonical : tz
}

/** Today's date (YYYY-MM-DD) in `tz`. */
export function todayIn(tz: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/**
 * Reads `site`, `period` (a preset) or `from`/`to` (dates, inclusive), `tz` and `f.*`
 * filters from a query string. Defaults: the site's time zone, today. The previous period is the same
 * number of days just before `from`.
 */
export function parseViewParams(query: URLSearchParams, site: string, siteTimeZone: string): ViewParams {
  const tz = checkTimeZone(query.get('tz') || siteTimeZone)
  const today = todayIn(tz)
  const preset = presetRange(query.get('period') || (query.get('from') ? 'custom' : 'today'), today)
  const from = checkDate('from', preset?.from ?? (query.get('from') || today))
  const to = checkDate('to', preset?.to ?? (query.get('to') || from))
  const days = dayNumber(to) - dayNumber(from) + 1
  if (days < 1) throw bad('to is before from')
  if (days > MAX_DAYS) throw bad(`a range is at most ${MAX_DAYS} days`)
  const filters = {} as Record<FilterName, string[]>
  for (const name of FILTER_NAMES) {
    const values = query.getAll(`f.${name}`)
    if (values.length > MAX_VALUES) throw bad(`f.${name}: at most ${MAX_VALUES} values`)
    if (values.some((v) => v.length > MAX_VALUE_LENGTH)) throw bad(`f.${name}: a value is at most ${MAX_VALUE_LENGTH} characters`)
    filters[name] = values
  }
  for (const key of query.keys()) {
    if (key.startsWith('f.') && !(FILTER_NAMES as readonly string[]).includes(key.slice(2))) throw bad(`unknown filter ${key.slice(0, 64)}`)
  }
  const eventFiltered = FILTER_NAMES.some((n) => !ORDER_FILTER_NAMES.includes(n) && filters[n].length > 0)
  return {
    site,
    tz,
    from,
    to,
    prev_from: dateOf(dayNumber(from) - days),
    prev_to: dateOf(dayNumber(from) - 1),
    hourly: days === 1 ? 1 : 0,
    filters,
    eventFiltered,
  }
}

/** The query parameters every panel query takes (filters as `f_<name>` arrays, the rollups' window bounds). */
export function queryParams(view: ViewParams, hosts: string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {
    site: view.site, tz: view.tz, from: view.from, to: view.to, prev_from: view.prev_from, prev_to: view.prev_to, hourly: view.hourly, hosts,
    ...windowParams(view),
  }
  for (const name of FILTER_NAMES) params[`f_${name}`] = view.filters[name]
  return params
}

/** A named period's days, counted back from today in the view's time zone; undefined for `custom`. */
function presetRange(period: string, today: string): { from: string; to: string } | undefined {
  const back = (n: number) => ({ from: dateOf(dayNumber(today) - n), to: today })
  switch (period) {
    case 'today':
      return back(0)
    case 'yesterday':
      return { from: dateOf(dayNumber(today) - 1), to: dateOf(dayNumber(today) - 1) }
    case '7d':
      return back(6)
    case '30d':
      return back(29)
    case '90d':
      return back(89)
    case 'month':
      return { from: `${today.slice(0, 8)}01`, to: today }
    case 'custom':
      return undefined
    default:
      throw bad('period: one of today, yesterday, 7d, 30d, 90d, month, custom')
  }
}

function checkDate(name: string, value: string): string {
  const m = DATE.exec(value)
  const n = m ? dayNumber(value) : NaN
  if (!m || !Number.isFinite(n) || dateOf(n) !== value || n < dayNumber('2000-01-01') || n > dayNumber('2100-01-01')) {
    throw bad(`${name}: a date YYYY-MM-DD between 2000 and 2100`)
  }
  return value
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000
const dateOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10)
const bad = (message: string) => new RequestError(400, 'ERR_DASHBOARD_PARAM', message)
