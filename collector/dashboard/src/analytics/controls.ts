import { timeZones } from '../shared/zone.js'
import { countryName } from '../shared/format.js'
import { PERIODS, type ViewState } from './state.js'
import type { DashboardAnswer } from './types.js'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

/** Fills the header's controls (site, period, custom range, time zone) once, and wires them to `change`. */
export function setUpControls(state: ViewState, change: (next: Partial<ViewState>) => void): void {
  const period = $<HTMLSelectElement>('period')
  period.replaceChildren(...PERIODS.map(([value, label]) => new Option(label, value, false, value === state.period)))
  const custom = $<HTMLFormElement>('custom')
  custom.hidden = state.period !== 'custom'
  period.addEventListener('change', () => {
    custom.hidden = period.value !== 'custom'
    if (period.value !== 'custom') change({ period: period.value })
    else $<HTMLInputElement>('from').focus()
  })
  custom.addEventListener('submit', (e) => {
    e.preventDefault()
    const from = $<HTMLInputElement>('from').value
    const to = $<HTMLInputElement>('to').value
    if (from && to && from <= to) change({ period: 'custom', from, to })
  })
  const tz = $<HTMLSelectElement>('tz')
  tz.append(new Option('Site default', ''), ...timeZones().map((z) => new Option(z, z)))
  tz.value = state.tz
  tz.addEventListener('change', () => change({ tz: tz.value }))
  $<HTMLSelectElement>('site').addEventListener('change', (e) => change({ site: (e.target as HTMLSelectElement).value, filters: [] }))
  const theme = $<HTMLButtonElement>('theme')
  const apply = (t: string) => {
    document.documentElement.dataset.theme = t
    theme.setAttribute('aria-pressed', String(t === 'dark'))
    theme.textContent = t === 'dark' ? 'Light theme' : 'Dark theme'
  }
  apply(localStorage.getItem('tally-theme') ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'))
  theme.addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'
    localStorage.setItem('tally-theme', next)
    apply(next)
  })
}

/** What the answer says back: the sites (a share link sees one), the resolved days and zone. */
export function showView(data: DashboardAnswer, state: ViewState): void {
  const site = $<HTMLSelectElement>('site')
  if (site.options.length !== data.sites.length) site.replaceChildren(...data.sites.map((s) => new Option(s.name, s.id)))
  site.value = data.site
  site.hidden = data.sites.length < 2
  $<HTMLInputElement>('from').value = data.from
  $<HTMLInputElement>('to').value = data.to
  const siteTz = data.sites.find((s) => s.id === data.site)?.timezone ?? 'UTC'
  $<HTMLSelectElement>('tz').options[0]!.text = `Site default (${siteTz})`
  $('range').textContent = data.from === data.to ? data.from : `${data.from} – ${data.to}`
  $('reads').textContent = data.eventFiltered
    ? 'Filtered: traffic panels read raw events (exact in any time zone); revenue panels read their rollups.'
    : `Unfiltered: every panel reads a rollup, in ${data.tz} (whole weeks, days, then hours at the ends: exact for whole-hour offsets). Visits and entry/exit pages count UTC days.`
  void state
}

/** The active filters as removable chips. */
export function renderChips(box: HTMLElement, filters: [string, string][], remove: (i: number) => void): void {
  box.hidden = filters.length === 0
  box.replaceChildren(
    ...filters.map(([name, value], i) => {
      const chip = document.createElement('button')
      chip.className = 'chip'
      chip.textContent = `${name.replace('_', ' ')}: ${name === 'country' ? countryName(value) : value || '(none)'} ✕`
      chip.setAttribute('aria-label', `Remove filter ${name} ${value}`)
      chip.addEventListener('click', () => remove(i))
      return chip
    }),
  )
}
