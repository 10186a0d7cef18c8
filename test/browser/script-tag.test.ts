import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { duplicates, events, launch, sleep, startPageServer, trackedPage, waitEvents, watchErrors, type PageServer } from './support.js'

let c: CollectorProcess
let site: PageServer
let browser: Browser

beforeAll(async () => {
  ;[c, browser] = await Promise.all([startCollector(), launch()])
  site = await startPageServer(c)
})
afterAll(async () => {
  await browser?.close()
  await site?.close()
  await c?.cleanup()
})

describe('script tag', () => {
  it('first view, SPA navigations, back, a tagged click and an outbound click arrive once each', async () => {
    site.page(
      '/app',
      trackedPage(
        { endpoint: c.url, outbound: true },
        `<button id="buy" data-tally-event="signup" data-tally-prop-plan="pro"><span>Buy</span></button>
         <a id="out" href="${site.origin('elsewhere')}/landing">elsewhere</a>`,
      ),
    )
    site.page('/landing', '<!doctype html><p>elsewhere</p>')
    const page = await browser.newPage()
    const errors = watchErrors(page)
    const origin = site.origin('spa')
    await page.goto(origin + '/app', { referer: 'https://www.google.com/' })
    await page.evaluate(() => history.pushState({}, '', '/app/a'))
    await page.evaluate(() => history.pushState({}, '', '/app/b'))
    await page.evaluate(() => history.replaceState({}, '', '/app/b')) // same URL: no second view
    await page.evaluate(() => history.pushState({}, '', '/app/c?x=1'))
    await page.goBack() // popstate → /app/b
    await page.waitForFunction(() => location.pathname === '/app/b')
    await page.click('#buy span')
    await page.click('#out') // navigates away: sent with keepalive on pagehide
    await page.waitForURL(/elsewhere/)

    const rows = await waitEvents(c, 'spa.test', 8)
    expect(errors).toEqual([])
    expect(duplicates(rows)).toEqual([])
    const views = rows.filter((r) => r.type === 'pageview')
    expect(views.map((r) => [r.path, r.referrer])).toEqual([
      ['/app', 'https://www.google.com/'],
      ['/app/a', origin + '/app'],
      ['/app/b', origin + '/app/a'],
      ['/app/c', origin + '/app/b'],
      ['/app/b', origin + '/app/c?x=1'],
    ])
    const tracks = rows.filter((r) => r.type === 'track' && r.name !== 'engagement')
    expect(tracks.map((r) => [r.name, r.path, r.props])).toEqual([
      ['signup', '/app/b', { plan: 'pro' }],
      ['outbound', '/app/b', { url: site.origin('elsewhere') + '/landing' }],
    ])
    for (const r of rows) {
      expect(r.browser).toMatch(/chrom/i)
      expect(r.os).toMatch(/linux/i)
      expect(r.visitor_id).not.toBe('')
    }
    expect(new Set(rows.map((r) => r.visitor_id)).size).toBe(1)
    const engaged = rows.filter((r) => r.name === 'engagement')
    expect(engaged.length).toBeGreaterThan(0)
    for (const r of engaged) expect(Number(r.props.engaged_ms)).toBeGreaterThan(0)
    await page.close()
  })
})
