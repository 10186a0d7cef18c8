import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN_TOKEN, DASHBOARD_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'
import { launch } from './support.js'

// The live dashboard in a real browser: what it shows equals what SQL says, and it
// follows new events without a reload.
let c: CollectorProcess
let browser: Browser

beforeAll(async () => {
  c = await startCollector()
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await c?.cleanup()
})

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'

async function send(events: unknown[]) {
  const res = await fetch(`${c.url}/v1/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await c.token()}`, Origin: 'https://shop.example', 'User-Agent': CHROME },
    body: JSON.stringify({ sent_at: Date.now(), events }),
  })
  expect(res.status).toBe(202)
}

it('shows today’s PV, UV and top pages from the rollups, and updates live', async () => {
  await send([
    ...Array.from({ length: 6 }, (_, i) => pageview({ anon_id: `v${i % 3}`, url: 'https://shop.example/pricing' })),
    ...Array.from({ length: 2 }, () => pageview({ anon_id: 'v9', url: 'https://shop.example/docs', referrer: 'https://www.google.com/' })),
  ])
  await c.waitFor<{ pv: string }>("SELECT sum(pageviews) AS pv FROM tally.traffic_daily WHERE site_id = 'test'", (r) => Number(r[0]?.pv) === 8)

  const page = await browser.newPage()
  await page.goto(`${c.url}/dashboard#token=${DASHBOARD_TOKEN}`)
  await page.waitForFunction(() => document.getElementById('k-pv')?.textContent === '8')
  expect(await page.textContent('#k-uv')).toBe('4')
  expect(page.url()).not.toContain(DASHBOARD_TOKEN) // the token leaves the address bar
  const pages = await page.$$eval('#pages tr td:first-child', (tds) => tds.map((td) => td.textContent))
  expect(pages).toEqual(['/pricing', '/docs'])
  expect(await page.textContent('#sources')).toContain('google.com')
  expect(await page.textContent('#browsers')).toContain('Chrome')
  expect(await page.locator('#chart rect').count()).toBe(48) // 24 hours × (PV, UV)

  await send([pageview({ anon_id: 'v-new', url: 'https://shop.example/' })])
  await page.waitForFunction(() => document.getElementById('k-pv')?.textContent === '9', undefined, { timeout: 8_000 })
  expect(await page.textContent('#k-uv')).toBe('5')
  await page.screenshot({ path: '.test-results/dashboard.png', fullPage: true })
  await page.close()
})

it('asks for the admin token and refuses a wrong one', async () => {
  const page = await browser.newPage()
  await page.goto(`${c.url}/dashboard`)
  await page.waitForSelector('#login:not([hidden])')
  await page.fill('#token', 'wrong-token-wrong-token')
  await page.click('#login button')
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'token needed')
  expect(await page.isHidden('#board')).toBe(true)
  const api = await fetch(`${c.url}/v1/dashboard?site=test`, { headers: { Authorization: 'Bearer wrong' } })
  expect(api.status).toBe(401)
  // The admin token opens the dashboard too; the dashboard token opens nothing else.
  expect((await fetch(`${c.url}/v1/dashboard?site=test`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200)
  const sql = await fetch(`${c.url}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${DASHBOARD_TOKEN}` }, body: JSON.stringify({ query: 'SELECT 1' }) })
  expect(sql.status).toBe(401)
  await page.close()
})
