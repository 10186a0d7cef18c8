import { countryName, formatInt, formatMoney, formatPercent } from '../shared/format.js'
import type { DashboardAnswer, Row } from './types.js'

type Column = 'visitors' | 'pageviews' | 'visits' | 'events' | 'conversion_rate' | 'revenue' | 'orders' | 'pct'

interface PanelSpec {
  key: string
  title: string
  /** The filter a click on a row sets. */
  filter: string
  label: string
  cols: Column[]
  /** What the row's label shows (a country's name for its code). */
  show?: (r: Row) => string
}

const HEADERS: Record<Column, string> = {
  visitors: 'Visitors', pageviews: 'Views', visits: 'Visits', events: 'Events', conversion_rate: 'Conversion',
  revenue: 'Revenue', orders: 'Orders', pct: '%',
}

/** Every breakdown, in page order; `cols` are the column headers after the label. */
export const PANELS: PanelSpec[] = [
  { key: 'pages', title: 'Top pages', filter: 'page', label: 'Page', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'entry_pages', title: 'Entry pages', filter: 'page', label: 'Page', cols: ['visits', 'pct'] },
  { key: 'exit_pages', title: 'Exit pages', filter: 'page', label: 'Page', cols: ['visits', 'pct'] },
  { key: 'channels', title: 'Channels', filter: 'channel', label: 'Channel', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'referrers', title: 'Referrers', filter: 'referrer', label: 'Referrer', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'utm_sources', title: 'UTM sources', filter: 'utm_source', label: 'Source', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'utm_mediums', title: 'UTM mediums', filter: 'utm_medium', label: 'Medium', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'utm_campaigns', title: 'UTM campaigns', filter: 'utm_campaign', label: 'Campaign', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'countries', title: 'Countries', filter: 'country', label: 'Country', cols: ['visitors', 'pct', 'pageviews'], show: (r) => countryName(r.label) },
  { key: 'regions', title: 'Regions', filter: 'region', label: 'Region', cols: ['visitors', 'pct', 'pageviews'], show: (r) => `${r.label}, ${countryName(r.country_code ?? '')}` },
  { key: 'browsers', title: 'Browsers', filter: 'browser', label: 'Browser', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'os', title: 'Operating systems', filter: 'os', label: 'OS', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'devices', title: 'Devices', filter: 'device', label: 'Device', cols: ['visitors', 'pct', 'pageviews'] },
  { key: 'custom_events', title: 'Goals and custom events', filter: 'event', label: 'Event', cols: ['visitors', 'events', 'conversion_rate'] },
  { key: 'provinces', title: 'Revenue by province', filter: 'province', label: 'Province', cols: ['revenue', 'pct', 'orders'] },
  { key: 'cabinets', title: 'Top cabinets', filter: 'cabinet', label: 'Cabinet', cols: ['revenue', 'orders'], show: (r) => `${r.label} · ${r.province}` },
]

/** The share a row's number is of the whole: visitors of all visitors, visits of all visits, revenue of the currency's revenue. */
function share(spec: PanelSpec, r: Row, data: DashboardAnswer): number {
  const t = data.totals[0] ?? {}
  if (spec.cols[0] === 'visits') return ratio(r.visits, t.visits)
  if (spec.cols[0] === 'revenue') return ratio(r.revenue, data.revenue_totals.find((m) => m.currency === r.currency)?.revenue)
  return ratio(r.visitors, t.visitors)
}
const ratio = (part: unknown, whole: unknown) => (Number(whole) > 0 ? Number(part ?? 0) / Number(whole) : 0)

function cell(col: Column, r: Row, pct: number): string {
  if (col === 'pct') return formatPercent(pct)
  if (col === 'conversion_rate') return formatPercent(Number(r.conversion_rate ?? 0))
  if (col === 'revenue') return r.currency ? formatMoney(r.revenue ?? '0', r.currency) : '–'
  return formatInt(r[col] ?? 0)
}

/** Renders every breakdown panel into `grid`; a click (or Enter) on a row calls `onFilter`. */
export function renderTables(grid: HTMLElement, data: DashboardAnswer, onFilter: (name: string, value: string) => void): void {
  for (const spec of PANELS) {
    let section = grid.querySelector<HTMLElement>(`#panel-${spec.key}`)
    if (!section) {
      section = document.createElement('section')
      section.className = 'panel list'
      section.id = `panel-${spec.key}`
      section.innerHTML = `<h2></h2><table><thead><tr></tr></thead><tbody></tbody></table><p class="empty">No data for this range</p>`
      section.querySelector('h2')!.textContent = spec.title
      const head = section.querySelector('thead tr')!
      for (const h of [spec.label, ...spec.cols.map((c) => HEADERS[c])]) {
        const th = document.createElement('th')
        th.scope = 'col'
        th.textContent = h
        head.append(th)
      }
      grid.append(section)
    }
    const rows = (data[spec.key] as Row[] | undefined) ?? []
    section.dataset.reads = data.reads[spec.key] ?? ''
    section.querySelector<HTMLElement>('.empty')!.hidden = rows.length > 0
    section.querySelector('tbody')!.replaceChildren(
      ...rows.map((r) => {
        const pct = share(spec, r, data)
        const tr = document.createElement('tr')
        tr.dataset.label = r.label
        const th = document.createElement('th')
        th.scope = 'row'
        const button = document.createElement('button')
        button.className = 'rowbtn'
        button.textContent = spec.show ? spec.show(r) : r.label
        button.title = `Filter by ${spec.label.toLowerCase()} ${r.label}`
        button.addEventListener('click', () => onFilter(spec.filter, r.label))
        const bar = document.createElement('span')
        bar.className = 'bar'
        bar.style.width = `${Math.min(100, pct * 100).toFixed(1)}%`
        th.append(bar, button)
        tr.append(th)
        for (const col of spec.cols) {
          const td = document.createElement('td')
          td.dataset.col = col
          td.textContent = cell(col, r, pct)
          tr.append(td)
        }
        return tr
      }),
    )
  }
}
