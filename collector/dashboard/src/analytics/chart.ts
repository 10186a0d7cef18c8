import uPlot from 'uplot'
import { bucketStarts } from '../shared/zone.js'
import { formatCompact, formatInt, formatMoney } from '../shared/format.js'
import type { DashboardAnswer } from './types.js'
import type { ViewState } from './state.js'

const LABELS = { visitors: 'Visitors', pageviews: 'Page views', visits: 'Visits', revenue: 'Revenue' } as const

/**
 * The time series (uPlot): one metric per bucket, hours of one day or days, in the
 * view's time zone. Past buckets without traffic are 0; future ones are not drawn.
 * Hovering (or the arrow keys on the focused chart) shows the bucket in a tooltip.
 */
export class TimeChart {
  private plot: uPlot | undefined
  private readonly tip = document.createElement('div')

  constructor(private readonly box: HTMLElement) {
    this.tip.className = 'tip'
    this.tip.hidden = true
    box.append(this.tip)
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(box)
  }

  draw(data: DashboardAnswer, metric: ViewState['metric']): void {
    const hourly = data.hourly === 1
    const xs = bucketStarts(data.from, data.to, data.tz, hourly)
    const now = Date.now() / 1000
    const currency = data.revenue_totals[0]?.currency ?? ''
    const values = new Map<number, number>()
    if (metric === 'revenue') {
      for (const r of data.revenue_series) if (r.currency === currency) values.set(Number(r.t), Number(r.revenue))
    } else {
      for (const r of data.series) values.set(Number(r.t), Number(r[metric]))
    }
    const ys = xs.map((x) => (x > now ? null : (values.get(x) ?? 0)))
    const format = (v: number | null) => (v === null ? '–' : metric === 'revenue' && currency ? formatMoney(v, currency) : formatInt(v))
    const when = (x: number) =>
      new Intl.DateTimeFormat(navigator.language, hourly ? { timeZone: data.tz, hour: 'numeric', minute: '2-digit' } : { timeZone: data.tz, month: 'short', day: 'numeric', weekday: 'short' }).format(new Date(x * 1000))
    this.box.dataset.points = JSON.stringify(ys)
    this.box.setAttribute('aria-label', `${LABELS[metric]} by ${hourly ? 'hour' : 'day'} (${data.tz})`)
    this.plot?.destroy()
    const css = getComputedStyle(document.documentElement)
    const stroke = css.getPropertyValue('--accent').trim() || '#2f6fde'
    const axis = { stroke: css.getPropertyValue('--dim').trim(), grid: { stroke: css.getPropertyValue('--line').trim() }, ticks: { show: false } }
    this.plot = new uPlot(
      {
        ...this.size(),
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), data.tz),
        legend: { show: false },
        cursor: { points: { size: 8 }, drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [
          { ...axis, label: hourly ? `Hour (${data.tz})` : `Day (${data.tz})`, values: (_u, splits) => splits.map(when) },
          { ...axis, label: LABELS[metric], size: 70, values: (_u, splits) => splits.map((v) => (metric === 'revenue' ? formatCompact(v) : formatCompact(v))) },
        ],
        series: [{}, { label: LABELS[metric], stroke, width: 2, fill: `${stroke}22`, spanGaps: false, points: { show: xs.length <= 31 } }],
        hooks: {
          setCursor: [
            (u) => {
              const i = u.cursor.idx
              if (i === null || i === undefined) return void (this.tip.hidden = true)
              this.tip.hidden = false
              this.tip.textContent = `${when(xs[i]!)}: ${format(ys[i] ?? null)} ${LABELS[metric].toLowerCase()}`
              const left = Math.min(u.valToPos(xs[i]!, 'x') + 60, this.box.clientWidth - 180)
              this.tip.style.left = `${Math.max(0, left)}px`
            },
          ],
        },
      },
      [xs, ys],
      this.box,
    )
  }

  /** Keyboard: move the tooltip bucket by bucket. */
  step(delta: number): void {
    const u = this.plot
    if (!u) return
    const n = u.data[0].length
    const i = Math.max(0, Math.min(n - 1, (u.cursor.idx ?? -1) + delta))
    u.setCursor({ left: u.valToPos(u.data[0][i]!, 'x'), top: 10 })
  }

  private size() {
    return { width: Math.max(200, this.box.clientWidth), height: Math.max(180, Math.min(300, this.box.clientWidth * 0.3)) }
  }
}
