import { formatInt, formatMoney } from '../shared/format.js'

export interface ScreenData {
  site: string
  tz: string
  day: string
  totals: { pageviews: number | string; visitors: number | string }[]
  revenue_totals: { currency: string; revenue: string; orders: number | string }[]
  series: { t: number | string; visitors: number | string }[]
  revenue_series: { t: number | string; currency: string; revenue: string }[]
  provinces: { label: string; currency: string; revenue: string; orders: number | string }[]
  cabinets: { label: string; province: string; currency: string; revenue: string; orders: number | string }[]
  ticker: { order_id: string; at: number | string; status: string; province: string; cabinet: string; currency: string; revenue_delta: string; orders_delta: number | string }[]
}

const $ = (id: string) => document.getElementById(id)!

/** Counters, ranking bars and the ticker from one reading (the chart is drawn apart). */
export function renderScreen(d: ScreenData): void {
  const money = d.revenue_totals[0]
  const currency = money?.currency ?? ''
  const set = (id: string, text: string) => fit($(id).querySelector<HTMLElement>('.v')!, text)
  set('c-revenue', money ? formatMoney(money.revenue, currency) : '–')
  set('c-orders', formatInt(money?.orders ?? 0))
  set('c-visitors', formatInt(d.totals[0]?.visitors ?? 0))
  set('c-pageviews', formatInt(d.totals[0]?.pageviews ?? 0))
  $('c-revenue').querySelector('.l')!.textContent = `Revenue today${currency ? ` (${currency})` : ''}`
  const provinces = d.provinces.filter((p) => p.currency === currency)
  ranking($('provinces'), provinces.map((p) => ({ name: p.label, money: formatMoney(p.revenue, p.currency), sub: `${formatInt(p.orders)} orders`, value: Number(p.revenue) })))
  const cabinets = d.cabinets.filter((c) => c.currency === currency)
  ranking($('cabinets'), cabinets.map((c) => ({ name: c.label, money: formatMoney(c.revenue, c.currency), sub: `${c.province} · ${formatInt(c.orders)} orders`, value: Number(c.revenue) })))
  $('ticker').replaceChildren(
    ...d.ticker.slice(0, 6).map((t) => {
      const li = document.createElement('li')
      const delta = Number(t.revenue_delta)
      const time = new Intl.DateTimeFormat(navigator.language, { timeZone: d.tz, hour: '2-digit', minute: '2-digit' }).format(new Date(Number(t.at)))
      const sign = delta > 0 ? '+' : ''
      const orders = Number(t.orders_delta)
      li.innerHTML = '<span></span><span></span><span></span>'
      const [a, b, c] = li.children as unknown as HTMLElement[]
      a!.textContent = time
      b!.textContent = `${t.status} · ${t.province} · ${t.cabinet}`
      c!.textContent = `${sign}${formatMoney(t.revenue_delta, t.currency)}${orders ? ` · ${orders > 0 ? '+' : ''}${orders} order` : ''}`
      c!.className = delta > 0 ? 'up' : delta < 0 ? 'down' : ''
      li.dataset.order = t.order_id
      return li
    }),
  )
}

function ranking(list: HTMLElement, rows: { name: string; money: string; sub: string; value: number }[]): void {
  const max = Math.max(1e-9, ...rows.map((r) => r.value))
  list.replaceChildren(
    ...rows.map((r) => {
      const li = document.createElement('li')
      li.className = 'rank'
      li.innerHTML = '<span class="bar"></span><span class="name"></span><span class="money"></span><span class="sub"></span>'
      li.dataset.label = r.name
      ;(li.querySelector('.bar') as HTMLElement).style.transform = `scaleX(${Math.max(0, r.value / max)})`
      li.querySelector('.name')!.textContent = r.name
      li.querySelector('.money')!.textContent = r.money
      li.querySelector('.sub')!.textContent = r.sub
      return li
    }),
  )
}

/** Shows `text` as large as its box allows: shrinks the font until nothing is cut off. */
function fit(el: HTMLElement, text: string): void {
  el.textContent = text
  el.style.fontSize = ''
  let size = parseFloat(getComputedStyle(el).fontSize)
  const floor = innerHeight * 0.035
  while (el.scrollWidth > el.clientWidth && size > floor) {
    size *= 0.92
    el.style.fontSize = `${size}px`
  }
}
