import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { DASHBOARD_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { order, post, sendOrders, sendTraffic } from '../support/dashboard-traffic.js'
import { launch } from './support.js'

// The big screen on a TV: fills the screen exactly, large text only, numbers equal SQL
// over the rollups, pushed within 2 s of an acked order or event, and back by itself
// after the collector restarts.
let c: CollectorProcess
let browser: Browser
const cny = (v: unknown) => Number(v).toLocaleString('en-US', { style: 'currency', currency: 'CNY' })

beforeAll(async () => {
  c = await startCollector({ env: { TALLY_TRUST_PROXY: 'true' } })
  browser = await launch()
  await sendTraffic(c, 20, 2, 7)
  await sendOrders(c, 10, 7)
  await c.waitForDrain()
  await c.waitFor<{ n: string }>("SELECT sum(orders) AS n FROM tally.revenue_daily WHERE site_id = 'test'", (r) => Number(r[0]?.n) === 10)
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await c?.cleanup()
})

async function open(width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, locale: 'en-US' })
  await page.goto(`${c.url}/dashboard/screen#token=${DASHBOARD_TOKEN}`)
  await page.waitForFunction(() => document.body.dataset.updated)
  return page
}

const value = (page: Page, id: string) => page.locator(`#${id} .v`).innerText()
const revenueToday = async () =>
  (await c.sql<{ rev: string; n: string }>("SELECT toString(sum(revenue)) AS rev, sum(orders) AS n FROM tally.revenue_by_province_hourly WHERE site_id = 'test' AND toDate(hour) = toDate(now())"))[0]!

for (const [width, height] of [[1920, 1080], [3840, 2160]] as const) {
  it(`fills ${width}×${height} exactly, no scrolling, no text under 24 px at 1080p`, async () => {
    const page = await open(width, height)
    const box = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight, w: innerWidth, h: innerHeight }))
    expect(box).toEqual({ sw: width, sh: height, w: width, h: height })
    const smallest = await page.evaluate(() => {
      let min = Infinity
      const walker = document.createTreeWalker(document.getElementById('screen')!, NodeFilter.SHOW_TEXT)
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!n.textContent?.trim()) continue
        const el = n.parentElement!
        if (el.getBoundingClientRect().width === 0) continue
        min = Math.min(min, parseFloat(getComputedStyle(el).fontSize))
      }
      return min
    })
    expect(smallest).toBeGreaterThanOrEqual(24 * (height / 1080))
    // every panel is inside the screen
    const outside = await page.$$eval('#screen > *', (els) => els.filter((e) => e.getBoundingClientRect().bottom > innerHeight || e.getBoundingClientRect().right > innerWidth).length)
    expect(outside).toBe(0)
    if (width === 1920) await page.screenshot({ path: '.test-results/screen.png' })
    await page.close()
  })
}

it('shows today’s totals, provinces and cabinets as the rollups say', async () => {
  const page = await open(1920, 1080)
  const money = await revenueToday()
  await page.waitForFunction((v) => document.querySelector('#c-revenue .v')?.textContent === v, cny(money.rev))
  expect(await value(page, 'c-orders')).toBe(Number(money.n).toLocaleString('en-US'))
  const [t] = await c.sql<{ pv: string; uv: string }>("SELECT sum(pageviews) AS pv, uniqMerge(visitors) AS uv FROM tally.traffic_hourly WHERE site_id = 'test' AND toDate(hour) = toDate(now())")
  expect(await value(page, 'c-visitors')).toBe(Number(t!.uv).toLocaleString('en-US'))
  expect(await value(page, 'c-pageviews')).toBe(Number(t!.pv).toLocaleString('en-US'))
  const provinces = await c.sql<{ label: string; rev: string }>(
    "SELECT province AS label, toString(sum(revenue)) AS rev FROM tally.revenue_by_province_hourly WHERE site_id = 'test' AND toDate(hour) = toDate(now()) GROUP BY label ORDER BY sum(revenue) DESC, label LIMIT 10",
  )
  const shown = await page.$$eval('#provinces li', (lis) => lis.map((li) => [(li as HTMLElement).dataset.label, li.querySelector('.money')?.textContent]))
  expect(shown).toEqual(provinces.map((p) => [p.label, cny(p.rev)]))
  await page.close()
})

// The whole test may take long under a loaded machine (a restart drains, then starts cold);
// each push is still bounded at 2 s from its ack.
it('pushes a new order, a refund and a new event within 2 s of the ack, and reconnects after a restart', async () => {
  const page = await open(1920, 1080)
  const before = await revenueToday()
  await post(c, [order('live-1', 1, { amount: '100.00', province: 'Hainan', cabinet: 'cab-live' })], undefined, undefined, 'ingest server orders')
  const acked = Date.now()
  const after = (Number(before.rev) + 100).toFixed(2)
  await page.waitForFunction((v) => document.querySelector('#c-revenue .v')?.textContent === v, cny(after), { timeout: 2_000 })
  console.log(`order shown ${Date.now() - acked} ms after its ack`)
  expect(await page.locator('#ticker li[data-order="live-1"]').innerText()).toContain('+CN¥100.00')
  // a refund lowers revenue, and the ticker says by how much
  await post(c, [order('live-1', 2, { status: 'refunded', amount: '100.00', refunded: '40.00', province: 'Hainan', cabinet: 'cab-live' })], undefined, undefined, 'ingest server orders')
  await page.waitForFunction((v) => document.querySelector('#c-revenue .v')?.textContent === v, cny((Number(after) - 40).toFixed(2)), { timeout: 2_000 })
  expect(await page.locator('#ticker li[data-order="live-1"]').first().innerText()).toContain('-CN¥40.00')

  await c.restart()
  await page.waitForFunction(() => document.body.dataset.stream === 'live', undefined, { timeout: 30_000 })
  const pv = Number((await value(page, 'c-pageviews')).replace(/,/g, ''))
  await post(c, [{ id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: Date.now(), anon_id: 'after-restart', url: 'https://shop.example/' }])
  await page.waitForFunction((v) => document.querySelector('#c-pageviews .v')?.textContent === v, (pv + 1).toLocaleString('en-US'), { timeout: 2_000 })
  await page.close()
}, 120_000)
