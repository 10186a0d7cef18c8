import 'uplot/dist/uPlot.min.css'
import './screen.css'
import uPlot from 'uplot'
import { takeToken, saveToken } from '../shared/auth.js'
import { openStream } from '../shared/sse.js'
import { bucketStarts } from '../shared/zone.js'
import { formatCompact } from '../shared/format.js'
import { renderScreen, type ScreenData } from './render.js'

// The big screen: one server-sent stream of readings (`/v1/dashboard/stream`), each a
// complete set of today's numbers; the page only draws what arrives.
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const params = new URLSearchParams(location.search)
let token = takeToken(localStorage)
let plot: uPlot | undefined
let close: (() => void) | undefined

function drawDay(d: ScreenData): void {
  const box = $('day-chart')
  const xs = bucketStarts(d.day, d.day, d.tz, true)
  const now = Date.now() / 1000
  const currency = d.revenue_totals[0]?.currency
  const rev = new Map(d.revenue_series.filter((r) => r.currency === currency).map((r) => [Number(r.t), Number(r.revenue)]))
  const vis = new Map(d.series.map((r) => [Number(r.t), Number(r.visitors)]))
  const ys = (m: Map<number, number>) => xs.map((x) => (x > now ? null : (m.get(x) ?? 0)))
  const size = { width: box.clientWidth, height: box.clientHeight }
  const font = `${Math.round(innerHeight * 0.023)}px system-ui`
  const axis = { stroke: '#a9b6c3', font, grid: { stroke: '#243142' }, ticks: { show: false } }
  plot?.destroy()
  plot = new uPlot(
    {
      ...size,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), d.tz),
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, rev: { range: (_u, _a, max) => [0, max > 0 ? max * 1.1 : 1] }, vis: { range: (_u, _a, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { ...axis, size: innerHeight * 0.045, values: (_u, splits) => splits.map((v) => new Intl.DateTimeFormat(navigator.language, { timeZone: d.tz, hour: 'numeric' }).format(new Date(v * 1000))) },
        { ...axis, scale: 'rev', size: innerWidth * 0.04, values: (_u, s) => s.map((v) => formatCompact(v)) },
        { ...axis, scale: 'vis', side: 1, size: innerWidth * 0.035, grid: { show: false }, values: (_u, s) => s.map((v) => formatCompact(v)) },
      ],
      series: [{}, { scale: 'rev', stroke: '#ffb547', width: 4, fill: '#ffb54722' }, { scale: 'vis', stroke: '#5aa9ff', width: 4 }],
    },
    [xs, ys(rev), ys(vis)],
    box,
  )
}

let latest: ScreenData | undefined
function show(d: ScreenData): void {
  latest = d
  renderScreen(d)
  drawDay(d)
  document.body.dataset.updated = String(Date.now())
}

function start(): void {
  $('login').hidden = true
  $('screen').hidden = false
  const q = new URLSearchParams()
  if (params.get('site')) q.set('site', params.get('site')!)
  if (params.get('tz')) q.set('tz', params.get('tz')!)
  const status = $('status')
  close?.()
  close = openStream(`/v1/dashboard/stream?${q}`, token, {
    onEvent: (name, data) => name === 'screen' && show(JSON.parse(data) as ScreenData),
    onState: (s) => {
      status.textContent = s === 'live' ? '● live' : s === 'reconnecting' ? 'reconnecting…' : 'token refused'
      status.className = `status ${s === 'live' ? '' : 'bad'}`
      document.body.dataset.stream = s
      if (s === 'refused') showLogin()
    },
  })
}

function showLogin(): void {
  $('screen').hidden = true
  $('login').hidden = false
}

$('login').addEventListener('submit', (e) => {
  e.preventDefault()
  token = $<HTMLInputElement>('token').value.trim()
  saveToken(localStorage, token)
  start()
})
addEventListener('resize', () => latest && drawDay(latest))
if (token) start()
else showLogin()
