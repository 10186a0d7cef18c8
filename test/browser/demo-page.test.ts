import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startTallyDev, type StartedTally } from '../support/start-process.js'
import { launch } from './support.js'

// `npm start`'s example page in a real browser: it loads the tracker from the collector,
// gets a token from its own server, and its clicks land in ClickHouse for site `demo`.
const dataDir = mkdtempSync(join(tmpdir(), 'tally-demo-'))
let tally: StartedTally | undefined
let browser: Browser | undefined

afterAll(async () => {
  await browser?.close()
  await tally?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

it('sends the demo page’s views and clicks to the collector', async () => {
  tally = await startTallyDev(dataDir)
  const { demoUrl, collectorUrl } = tally
  const adminToken = (JSON.parse(readFileSync(join(dataDir, 'dev.json'), 'utf8')) as { adminToken: string }).adminToken

  browser = await launch()
  const page = await browser.newPage()
  await page.goto(demoUrl)
  await page.click('a[href="/pricing"]')
  await page.click('button[data-tally-prop-plan="pro"]')
  await page.click('#custom')

  // The power-bank simulator (also run by `npm start`) sends server events for `demo` too.
  const query = "SELECT type, name, path FROM tally.events WHERE site_id = 'demo' AND source = 'browser' ORDER BY ts"
  let rows: { type: string; name: string; path: string }[] = []
  for (let i = 0; i < 100 && rows.length < 5; i++) {
    await new Promise((r) => setTimeout(r, 100))
    const res = await fetch(`${collectorUrl}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ query }) })
    rows = ((await res.json()) as { rows: typeof rows }).rows
  }
  const seen = rows.map((r) => `${r.type} ${r.name} ${r.path}`)
  // Leaving `/` for `/pricing` also reports the engaged time spent on `/`.
  expect(seen.filter((e) => !e.includes('engagement'))).toEqual(['pageview pageview /', 'pageview pageview /pricing', 'track signup /pricing', 'track added_to_cart /pricing'])
  expect(seen).toContain('track engagement /')
})
