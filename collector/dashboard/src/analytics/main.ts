import 'uplot/dist/uPlot.min.css'
import './analytics.css'
import { HttpError, forgetToken, getJson, saveToken, takeToken } from '../shared/auth.js'
import { TimeChart } from './chart.js'
import { renderChips, setUpControls, showView } from './controls.js'
import { renderStats } from './stats.js'
import { renderTables } from './tables.js'
import { apiQuery, readState, writeState, type ViewState } from './state.js'
import type { DashboardAnswer } from './types.js'

// The analytics page: reads the view from the URL, asks /v1/dashboard, draws it, and
// asks again every few seconds while a range including today is on screen.
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const REFRESH_MS = 2_000
let state = readState()
let token = takeToken(sessionStorage)
let chart: TimeChart | undefined
let last: DashboardAnswer | undefined
let timer: number | undefined
let inFlight: AbortController | undefined

function change(next: Partial<ViewState>): void {
  state = { ...state, ...next }
  writeState(state)
  void load()
}

async function load(): Promise<void> {
  clearTimeout(timer)
  inFlight?.abort()
  const controller = (inFlight = new AbortController())
  const status = $('status')
  try {
    const data = await getJson<DashboardAnswer>(`/v1/dashboard?${apiQuery(state)}`, token, controller.signal)
    if (controller.signal.aborted) return
    last = data
    $('login').hidden = true
    $('board').hidden = false
    render(data)
    status.textContent = `updated ${new Date().toLocaleTimeString(navigator.language)}`
    status.className = ''
  } catch (err) {
    if (controller.signal.aborted) return
    if (err instanceof HttpError && err.status === 401) return showLogin()
    status.textContent = err instanceof Error ? err.message : String(err)
    status.className = 'err'
  }
  timer = window.setTimeout(() => document.visibilityState === 'visible' && void load(), REFRESH_MS)
}

function render(data: DashboardAnswer): void {
  showView(data, state)
  renderStats($('stats'), data, (metric) => change({ metric }), state.metric)
  renderChips($('chips'), state.filters, (i) => change({ filters: state.filters.filter((_, j) => j !== i) }))
  chart ??= new TimeChart($('chart'))
  chart.draw(data, state.metric)
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('#metrics button'))) b.setAttribute('aria-pressed', String(b.dataset.metric === state.metric))
  renderTables($('tables'), data, (name, value) => {
    if (!state.filters.some(([n, v]) => n === name && v === value)) change({ filters: [...state.filters, [name, value]] })
  })
}

function showLogin(): void {
  forgetToken(sessionStorage)
  $('board').hidden = true
  $('login').hidden = false
  $('status').textContent = 'token needed'
  $<HTMLInputElement>('token').focus()
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault()
  token = $<HTMLInputElement>('token').value.trim()
  saveToken(sessionStorage, token)
  void load()
})
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('#metrics button'))) {
  b.addEventListener('click', () => change({ metric: b.dataset.metric as ViewState['metric'] }))
}
$('chart').addEventListener('keydown', (e) => {
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') chart?.step(e.key === 'ArrowLeft' ? -1 : 1)
})
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && last && void load())
setUpControls(state, change)
if (token) void load()
else showLogin()
