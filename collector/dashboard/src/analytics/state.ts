/** What the viewer chose, all of it kept in the URL's query string (shareable, back button works). */
export interface ViewState {
  site: string
  /** today, yesterday, 7d, 30d, 90d, month, custom */
  period: string
  from: string
  to: string
  /** '' = the site's own time zone. */
  tz: string
  metric: 'visitors' | 'pageviews' | 'visits' | 'revenue'
  filters: [string, string][]
}

export const PERIODS: [string, string][] = [
  ['today', 'Today'], ['yesterday', 'Yesterday'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'], ['month', 'This month'], ['custom', 'Custom range…'],
]
const METRICS = ['visitors', 'pageviews', 'visits', 'revenue']

export function readState(): ViewState {
  const q = new URLSearchParams(location.search)
  const filters: [string, string][] = []
  for (const [k, v] of q) if (k.startsWith('f.')) filters.push([k.slice(2), v])
  const metric = q.get('metric') ?? ''
  return {
    site: q.get('site') ?? '',
    period: q.get('period') ?? (q.get('from') ? 'custom' : 'today'),
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    tz: q.get('tz') ?? '',
    metric: (METRICS.includes(metric) ? metric : 'visitors') as ViewState['metric'],
    filters,
  }
}

export function writeState(s: ViewState): void {
  const q = new URLSearchParams()
  if (s.site) q.set('site', s.site)
  if (s.period !== 'today') q.set('period', s.period)
  if (s.period === 'custom') {
    q.set('from', s.from)
    q.set('to', s.to)
  }
  if (s.tz) q.set('tz', s.tz)
  if (s.metric !== 'visitors') q.set('metric', s.metric)
  for (const [k, v] of s.filters) q.append(`f.${k}`, v)
  const search = q.toString()
  history.replaceState(null, '', location.pathname + (search ? `?${search}` : ''))
}

/** The API's query string for a state (the collector resolves a period's days in the time zone). */
export function apiQuery(s: ViewState): string {
  const q = new URLSearchParams({ period: s.period })
  if (s.period === 'custom') {
    q.set('from', s.from)
    q.set('to', s.to)
  }
  if (s.tz) q.set('tz', s.tz)
  if (s.site) q.set('site', s.site)
  for (const [k, v] of s.filters) q.append(`f.${k}`, v)
  return q.toString()
}
