import { formatChange, formatDuration, formatInt, formatMoney, formatPercent } from '../shared/format.js'
import type { DashboardAnswer } from './types.js'

interface Stat {
  id: string
  label: string
  now: number
  before?: number
  text: string
  /** Fewer is better (bounce rate). */
  lowerIsBetter?: boolean
  metric?: 'visitors' | 'pageviews' | 'visits' | 'revenue'
}

/** The top stats with their change against the previous period of the same length. */
export function renderStats(box: HTMLElement, data: DashboardAnswer, onMetric: (m: NonNullable<Stat['metric']>) => void, metric: string): void {
  const t = data.totals[0] ?? {}
  const e = data.engagement[0] ?? {}
  const n = (v: unknown) => Number(v ?? 0)
  const perVisit = (pv: number, visits: number) => (visits === 0 ? 0 : Math.round((pv / visits) * 100) / 100)
  const money = data.revenue_totals[0]
  const stats: Stat[] = [
    { id: 'visitors', label: 'Unique visitors', now: n(t.visitors), before: n(t.prev_visitors), text: formatInt(n(t.visitors)), metric: 'visitors' },
    { id: 'visits', label: 'Visits', now: n(t.visits), before: n(t.prev_visits), text: formatInt(n(t.visits)), metric: 'visits' },
    { id: 'pageviews', label: 'Page views', now: n(t.pageviews), before: n(t.prev_pageviews), text: formatInt(n(t.pageviews)), metric: 'pageviews' },
    {
      id: 'views-per-visit', label: 'Views per visit', now: perVisit(n(t.pageviews), n(t.visits)), before: perVisit(n(t.prev_pageviews), n(t.prev_visits)),
      text: perVisit(n(t.pageviews), n(t.visits)).toLocaleString(navigator.language),
    },
    { id: 'bounce-rate', label: 'Bounce rate', now: n(e.bounce_rate), before: n(e.prev_bounce_rate), text: formatPercent(n(e.bounce_rate)), lowerIsBetter: true },
    { id: 'visit-duration', label: 'Visit duration', now: n(e.avg_duration_s), before: n(e.prev_avg_duration_s), text: formatDuration(n(e.avg_duration_s)) },
    { id: 'live', label: 'Live visitors (5 min)', now: n(data.live[0]?.visitors), text: formatInt(n(data.live[0]?.visitors)) },
    {
      id: 'revenue', label: money ? `Revenue (${money.currency})` : 'Revenue', now: n(money?.revenue), before: n(money?.prev_revenue),
      text: money ? formatMoney(money.revenue, money.currency) : '–', metric: 'revenue',
    },
    { id: 'orders', label: 'Orders', now: n(money?.orders), before: n(money?.prev_orders), text: money ? formatInt(n(money.orders)) : '–' },
  ]
  box.replaceChildren(
    ...stats.map((s) => {
      const el = document.createElement(s.metric ? 'button' : 'div')
      el.className = `stat${s.metric === metric ? ' on' : ''}`
      el.id = `stat-${s.id}`
      if (s.metric) {
        el.setAttribute('aria-pressed', String(s.metric === metric))
        el.title = `Chart ${s.label.toLowerCase()}`
        el.addEventListener('click', () => onMetric(s.metric!))
      }
      const change = s.before === undefined ? '' : formatChange(s.now, s.before)
      const better = s.before !== undefined && (s.lowerIsBetter ? s.now < s.before : s.now > s.before)
      const worse = s.before !== undefined && (s.lowerIsBetter ? s.now > s.before : s.now < s.before)
      el.innerHTML = `<span class="l"></span><span class="v"></span><span class="c ${better ? 'up' : worse ? 'down' : ''}"></span>`
      el.querySelector('.l')!.textContent = s.label
      el.querySelector('.v')!.textContent = s.text
      el.querySelector('.c')!.textContent = change ? `${change} vs previous` : ''
      return el
    }),
  )
  const others = data.revenue_totals.slice(1).map((r) => `${formatMoney(r.revenue, r.currency)} · ${formatInt(r.orders)} orders`)
  box.dataset.otherCurrencies = others.join('; ')
}
