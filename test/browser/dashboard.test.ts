import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ADMIN_TOKEN, DASHBOARD_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { order, post, sendOrders, sendTraffic } from '../support/dashboard-traffic.js'
import { launch } from './support.js'

// The analytics page in a real browser over generated traffic: every number it shows
// equals SQL over the rollups (raw events when filtered), filters, range and time zone
// change what it asks for, and new events show without a reload.
let c: CollectorProcess
let browser: Browser
const fmt = (n: unknown) => Number(n).toLocaleString('en-US')

beforeAll(async () => {
  c = await startCollector({ env: { TALLY_TRUST_PROXY: 'true' } })
  browser = await launch()
  await sendTraffic(c, 40)
  await sendOrders(c, 12)
  await c.waitForDrain()
  await c.waitFor<{ n: string }>("SELECT sum(orders) AS n FROM tally.revenue_daily WHERE site_id = 'test'", (r) => Number(r[0]?.n) === 12)
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await c?.cleanup()
})

async function open(width: number, height: number, query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, locale: 'en-US' })
  await page.goto(`${c.url}/dashboard${query}#token=${DASHBOARD_TOKEN}`)
  await page.waitForSelector('#board:not([hidden]) #stat-visitors .v')
  return page
}

const text = (page: Page, sel: string) => page.locator(sel).first().innerText()
const today = "toDate(now(), 'UTC')"

async function rollupTotals(tz = 'UTC', days = 1) {
  const [row] = await c.sql<{ pv: string; uv: string; visits: string }>(
    `SELECT sum(pageviews) AS pv, uniqMerge(visitors) AS uv, uniqMerge(visits) AS visits FROM tally.traffic_hourly
     WHERE site_id = 'test' AND toDate(hour, {tz:String}) > toDate(now(), {tz:String}) - {days:UInt16}`,
    { tz, days },
  )
  return row!
}

/** Rows of one breakdown table as [label, first number column]. */
const tableRows = (page: Page, panel: string) =>
  page.$$eval(`#panel-${panel} tbody tr`, (trs) => trs.map((tr) => [(tr as HTMLElement).dataset.label, tr.querySelector('td')?.textContent]))

it('shows every top stat and breakdown as the rollups say, at 1920×1080', async () => {
  const page = await open(1920, 1080)
  const t = await rollupTotals()
  await page.waitForFunction((pv) => document.querySelector('#stat-pageviews .v')?.textContent === pv, fmt(t.pv))
  expect(await text(page, '#stat-visitors .v')).toBe(fmt(t.uv))
  expect(await text(page, '#stat-visits .v')).toBe(fmt(t.visits))
  const [money] = await c.sql<{ revenue: string; orders: string }>(`SELECT toString(sum(revenue)) AS revenue, sum(orders) AS orders FROM tally.revenue_daily WHERE site_id = 'test' AND day = ${today}`)
  expect(await text(page, '#stat-revenue .v')).toBe(Number(money!.revenue).toLocaleString('en-US', { style: 'currency', currency: 'CNY' }))
  expect(await text(page, '#stat-orders .v')).toBe(fmt(money!.orders))

  const pages = await c.sql<{ label: string; uv: string }>(
    `SELECT path AS label, uniqMerge(visitors) AS uv, sum(pageviews) AS pv FROM tally.pages_daily WHERE site_id = 'test' AND day = ${today} GROUP BY label ORDER BY uv DESC, pv DESC, label LIMIT 10`,
  )
  expect(await tableRows(page, 'pages')).toEqual(pages.map((p) => [p.label, fmt(p.uv)]))
  const browsers = await c.sql<{ label: string; uv: string }>(
    `SELECT browser AS label, uniqMerge(visitors) AS uv, sum(pageviews) AS pv FROM tally.tech_daily WHERE site_id = 'test' AND day = ${today} GROUP BY label ORDER BY uv DESC, pv DESC, label LIMIT 10`,
  )
  expect(await tableRows(page, 'browsers')).toEqual(browsers.map((p) => [p.label, fmt(p.uv)]))
  const provinces = await c.sql<{ label: string; rev: string }>(
    `SELECT province AS label, toString(sum(revenue)) AS rev FROM tally.revenue_by_province_daily WHERE site_id = 'test' AND day = ${today} GROUP BY label ORDER BY sum(revenue) DESC LIMIT 10`,
  )
  expect(await tableRows(page, 'provinces')).toEqual(provinces.map((p) => [p.label, Number(p.rev).toLocaleString('en-US', { style: 'currency', currency: 'CNY' })]))
  const goals = await c.sql<{ label: string; uv: string }>(`SELECT name AS label, uniqMerge(visitors) AS uv, sum(events) AS n FROM tally.custom_events_daily WHERE site_id = 'test' GROUP BY label ORDER BY uv DESC, n DESC, label`)
  expect(await tableRows(page, 'custom_events')).toEqual(goals.map((g) => [g.label, fmt(g.uv)]))
  // entry/exit pages and engagement equal the per-session GROUP BY over their rollups
  const api = (await (await fetch(`${c.url}/v1/dashboard?site=test`, { headers: { Authorization: `Bearer ${DASHBOARD_TOKEN}` } })).json()) as Record<string, Record<string, unknown>[]>
  for (const [panel, state] of [['entry_pages', 'argMinMerge(entry)'], ['exit_pages', 'argMaxMerge(exit)']] as const) {
    const bySession = await c.sql<{ label: string; visits: string }>(
      `SELECT label, count() AS visits FROM (SELECT day, session_id, ${state} AS label FROM tally.session_pages_daily WHERE site_id = 'test' AND day = ${today} GROUP BY day, session_id)
       GROUP BY label ORDER BY visits DESC, label LIMIT 10`,
    )
    expect(api[panel]!.map((r) => [r.label, Number(r.visits)])).toEqual(bySession.map((r) => [r.label, Number(r.visits)]))
  }
  const [eng] = await c.sql<{ visits: string; bounces: string }>(
    `SELECT count() AS visits, countIf(pv = 1) AS bounces FROM (SELECT sum(pageviews) AS pv FROM tally.sessions_daily WHERE site_id = 'test' AND day = ${today} GROUP BY day, session_id HAVING pv > 0)`,
  )
  expect([Number(api.engagement![0]!.visit_count), Number(api.engagement![0]!.bounce_rate)]).toEqual([Number(eng!.visits), Math.round((Number(eng!.bounces) / Number(eng!.visits)) * 1e4) / 1e4])
  // countries by name, and every table has column headers
  expect(await page.locator('#panel-countries tbody').innerText()).toMatch(/United Kingdom|United States|China|France|Australia/)
  expect(await page.$$eval('#panel-pages thead th', (ths) => ths.map((th) => th.textContent))).toEqual(['Page', 'Visitors', '%', 'Views'])
  // the chart: 24 hourly points, the future ones not drawn
  const points = JSON.parse((await page.getAttribute('#chart', 'data-points'))!) as (number | null)[]
  expect(points).toHaveLength(24)
  expect(points.slice(new Date().getUTCHours() + 1).every((p) => p === null)).toBe(true)
  expect(points.reduce<number>((s, p) => s + (p ?? 0), 0)).toBeGreaterThanOrEqual(Number(t.uv))
  await page.close()
})

it('applies and removes a filter from a row, kept in the URL; reads raw events while filtered', async () => {
  const page = await open(1280, 800)
  await page.locator('#panel-pages tbody tr[data-label="/pricing"] button').click()
  await page.waitForSelector('.chip')
  expect(page.url()).toContain('f.page=%2Fpricing')
  const [f] = await c.sql<{ pv: string; uv: string }>(
    `SELECT countIf(type = 'pageview') AS pv, uniq(visitor_id) AS uv FROM tally.events WHERE site_id = 'test' AND is_bot = 0 AND toDate(ts) = ${today} AND path = '/pricing'`,
  )
  await page.waitForFunction((pv) => document.querySelector('#stat-pageviews .v')?.textContent === pv, fmt(f!.pv))
  expect(await text(page, '#stat-visitors .v')).toBe(fmt(f!.uv))
  expect(await page.getAttribute('#panel-browsers', 'data-reads')).toBe('events')
  await page.locator('.chip').click()
  const t = await rollupTotals()
  await page.waitForFunction((pv) => document.querySelector('#stat-pageviews .v')?.textContent === pv, fmt(t.pv))
  expect(page.url()).not.toContain('f.page')
  expect(await page.getAttribute('#panel-browsers', 'data-reads')).toBe('rollups')
  await page.close()
})

it('switches the range and the time zone', async () => {
  const page = await open(1280, 800)
  await page.selectOption('#period', '7d')
  const week = await rollupTotals('UTC', 7)
  // the traffic is all from today, so the week's page views are today's: the chart's seven
  // daily points say that the week is on screen
  await page.waitForFunction(() => JSON.parse(document.querySelector('#chart')?.getAttribute('data-points') ?? '[]').length === 7)
  expect(await text(page, '#stat-pageviews .v')).toBe(fmt(week.pv))
  expect(page.url()).toContain('period=7d')
  await page.selectOption('#period', 'today')
  await page.selectOption('#tz', 'Pacific/Kiritimati') // UTC+14: "today" there covers other hours
  const kiri = await rollupTotals('Pacific/Kiritimati', 1)
  await page.waitForFunction((pv) => document.querySelector('#stat-pageviews .v')?.textContent === pv, fmt(kiri.pv))
  expect(await text(page, '#stat-visitors .v')).toBe(fmt(kiri.uv))
  expect(page.url()).toContain('tz=Pacific%2FKiritimati')
  await page.close()
})

it('is usable on a phone (390×844) with the keyboard', async () => {
  const page = await open(390, 844)
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
  // Tab to a row's button and press Enter: the filter applies
  await page.locator('#panel-pages tbody tr button').first().focus()
  await page.keyboard.press('Enter')
  await page.waitForSelector('.chip')
  await page.screenshot({ path: '.test-results/dashboard-phone.png' })
  await page.close()
})

it('asks for a token and refuses a wrong one; the dashboard token opens nothing else', async () => {
  const page = await browser.newPage()
  await page.goto(`${c.url}/dashboard`)
  await page.waitForSelector('#login:not([hidden])')
  await page.fill('#token', 'wrong-token-wrong-token')
  await page.click('#login button')
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'token needed')
  expect(await page.isHidden('#board')).toBe(true)
  expect((await fetch(`${c.url}/v1/dashboard?site=test`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401)
  expect((await fetch(`${c.url}/v1/dashboard?site=test`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200)
  const bad = await fetch(`${c.url}/v1/dashboard?site=test&tz=Mars/Olympus`, { headers: { Authorization: `Bearer ${DASHBOARD_TOKEN}` } })
  expect(bad.status).toBe(400)
  expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('ERR_DASHBOARD_PARAM')
  const sql = await fetch(`${c.url}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${DASHBOARD_TOKEN}` }, body: JSON.stringify({ query: 'SELECT 1' }) })
  expect(sql.status).toBe(401)
  await page.close()
})

const number = async (page: Page, sel: string) => Number((await text(page, sel)).replace(/[^\d.]/g, ''))
const shows = (page: Page, sel: string, v: string, timeout = 2_000) => page.waitForFunction(([s, v]) => document.querySelector(s!)?.textContent === v, [sel, v], { timeout })
const pageview = (anon: string) => ({ id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: Date.now(), anon_id: anon, url: 'https://shop.example/fresh' })

// Last in the file: it restarts the collector.
it('is pushed: a new event and a new order show within 2 s of the ack, and again after a restart', async () => {
  const page = await open(1280, 800)
  await page.waitForFunction(() => document.body.dataset.stream === 'live')
  expect(await text(page, '#status')).toMatch(/^● live · updated /)
  const pv = await number(page, '#stat-pageviews .v')
  await post(c, [pageview('pushed-1')])
  let acked = Date.now()
  await shows(page, '#stat-pageviews .v', fmt(pv + 1))
  console.log(`event shown ${Date.now() - acked} ms after its ack`)

  const [orders, revenue] = [await number(page, '#stat-orders .v'), await number(page, '#stat-revenue .v')]
  await post(c, [order('pushed-1', 1, { amount: '100.00', province: 'Hainan' })], undefined, undefined, 'ingest server orders')
  acked = Date.now()
  await shows(page, '#stat-orders .v', fmt(orders + 1))
  expect(await text(page, '#stat-revenue .v')).toBe((revenue + 100).toLocaleString('en-US', { style: 'currency', currency: 'CNY' }))
  console.log(`order shown ${Date.now() - acked} ms after its ack`)

  // the page says when its stream is down, and follows again once the collector is back
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { streamStates: string[] }).streamStates = [])
    new MutationObserver(() => seen.push(document.body.dataset.stream ?? '')).observe(document.body, { attributeFilter: ['data-stream'] })
  })
  await c.restart()
  await page.waitForFunction(() => document.body.dataset.stream === 'live', undefined, { timeout: 30_000 })
  expect(await page.evaluate(() => (window as unknown as { streamStates: string[] }).streamStates)).toContain('reconnecting')
  // recovery, not latency: the restarted collector's first queries compile cold
  await post(c, [pageview('pushed-2')])
  acked = Date.now()
  await shows(page, '#stat-pageviews .v', fmt(pv + 2), 5_000)
  console.log(`event after the restart shown ${Date.now() - acked} ms after its ack`)
  await page.close()
}, 60_000)
