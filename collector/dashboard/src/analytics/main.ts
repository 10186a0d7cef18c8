import 'uplot/dist/uPlot.min.css'
import './analytics.css'
import { HttpError, forgetToken, getJson, saveToken, takeToken } from '../shared/auth.js'
import { openStream } from '../shared/sse.js'
import { TimeChart } from './chart.js'
import { renderChips, setUpControls, showView } from './controls.js'
import { Refresher } from './refresh.js'
import { renderStats } from './stats.js'
import { renderTables } from './tables.js'
import { apiQuery, readState, writeState, type ViewState } from './state.js'
import { versionKey, type DashboardAnswer } from './types.js'

// The analytics page: reads the view from the URL, asks /v1/dashboard, draws it, and
// asks again when the site's data changes: /v1/dashboard/changes pushes the site's data
// version (server-sent events) while the tab is visible.
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
let state = readState()
let token = takeToken(sessionStorage)
let chart: TimeChart | undefined
let last: DashboardAnswer | undefined
let stream: { site: string; close: () => void } | undefined
let live = 'connecting…'
let updated = ''
let problem = ''
const refresher = new Refresher(load)

function change(next: Partial<ViewState>): void {
  state = { ...state, ...next }
  writeState(state)
  refresher.now()
}

async function load(signal: AbortSignal): Promise<void> {
  follow()
  try {
    const data = await getJson<DashboardAnswer>(`/v1/dashboard?${apiQuery(state)}`, token, signal)
    if (signal.aborted) return
    last = data
    $('login').hidden = true
    $('board').hidden = false
    render(data)
    updated = `updated ${new Date().toLocaleTimeString(navigator.language)}`
    problem = ''
  } catch (err) {
    if (signal.aborted) return
    if (err instanceof HttpError && err.status === 401) return showLogin()
    problem = err instanceof Error ? err.message : String(err)
  }
  showStatus()
}

/** Keeps one change stream open for the site on screen; a version other than the shown one refetches. */
function follow(): void {
  if (stream?.site === state.site) return
  stream?.close()
  const q = state.site ? `?site=${encodeURIComponent(state.site)}` : ''
  const close = openStream(`/v1/dashboard/changes${q}`, token, {
    onEvent: (name, data) => name === 'version' && last && versionKey(JSON.parse(data)) !== versionKey(last.version) && refresher.changed(),
    onState: (s) => {
      live = s === 'live' ? '● live' : s === 'reconnecting' ? '○ reconnecting…' : 'token refused'
      document.body.dataset.stream = s
      refresher.setLive(s === 'live')
      if (s === 'refused') showLogin()
      else showStatus()
    },
  })
  stream = { site: state.site, close }
}

function unfollow(): void {
  stream?.close()
  stream = undefined
  refresher.stop()
}

/** The status line: the stream's state and the last update, or what went wrong. */
function showStatus(): void {
  const status = $('status')
  status.textContent = problem || [live, updated].filter(Boolean).join(' · ')
  status.className = problem ? 'err' : ''
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
  unfollow()
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
  refresher.now()
})
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>('#metrics button'))) {
  b.addEventListener('click', () => change({ metric: b.dataset.metric as ViewState['metric'] }))
}
$('chart').addEventListener('keydown', (e) => {
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') chart?.step(e.key === 'ArrowLeft' ? -1 : 1)
})
// Hidden: no stream, no poll. Visible again: the stream reopens and the view is fetched.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') unfollow()
  else if (last) refresher.now()
})
setUpControls(state, change)
if (token) refresher.now()
else showLogin()
