import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy.js'
import { duplicates, events, launch, startPageServer, trackedPage, waitEvents, watchErrors, type PageServer } from './support.js'

/**
 * An acknowledged event is never sent again: not by the next page, and not by a page
 * loaded after another tab's queue went stale (15 minutes). The page's clock is
 * Playwright's (`context.clock`), moved forward; the proxy records every request, so
 * "on the wire" counts what the browser really sent.
 */
let c: CollectorProcess
let site: PageServer
let browser: Browser
let proxy: FlakyProxy
let ctx: BrowserContext
let n = 0
let host = ''

beforeAll(async () => {
  ;[c, browser] = await Promise.all([startCollector(), launch()])
  site = await startPageServer(c)
  proxy = await startFlakyProxy({ target: c.url, recordBodies: true })
})
afterAll(async () => {
  await ctx?.close()
  await browser?.close()
  await proxy?.close()
  await site?.close()
  await c?.cleanup()
})
beforeEach(async () => {
  await ctx?.close()
  ctx = await browser.newContext()
  await ctx.clock.install() // time flows as usual until a test moves it
  host = `later${++n}`
  const buttons = [1, 2, 3].map((i) => `<button data-tally-event="click" data-tally-prop-i="${i}">${i}</button>`).join('')
  site.page('/', trackedPage({ endpoint: proxy.url }, `${buttons}<a id="next" href="/next" data-tally-event="cta">next</a>`))
  site.page('/next', trackedPage({ endpoint: proxy.url }, 'next'))
})

const MINUTE = 60_000

/** How many requests carried each event id of this test's host (every request the proxy saw, whatever its answer). */
function onTheWire(): Map<string, number> {
  const ids = new Map<string, number>()
  for (const e of proxy.log)
    if (e.path.endsWith('/v1/batch') && e.body)
      for (const ev of (JSON.parse(e.body) as { events: { id: string; url?: string }[] }).events)
        if (ev.url?.includes(`//${host}.test`)) ids.set(ev.id, (ids.get(ev.id) ?? 0) + 1)
  return ids
}
/** No queue in this origin's storage is waiting to be taken: none released, stale or claimed (a claim is taken 200 ms later). */
const settled = (page: Page) =>
  page.waitForFunction(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('tally:v1:q:'))
      .every((k) => {
        const q = JSON.parse(localStorage.getItem(k)!) as { t: number; c?: string }
        return q.t && Date.now() - q.t < 15 * 60_000 && !q.c
      }),
  )
/** Tracks a last event and waits until it is stored: whatever the page had queued before has been sent by then. */
async function marker(page: Page): Promise<void> {
  await page.evaluate(() => (window as unknown as { tally: { track(n: string): void } }).tally.track('marker'))
  await c.waitFor(`SELECT count() AS n FROM tally.events WHERE hostname = {host:String} AND name = 'marker'`, (r: { n: string }[]) => Number(r[0]?.n) >= 1, 15_000, {
    host: `${host}.test`,
  })
}

describe('a page loaded 16 minutes later', () => {
  it('click, navigate, come back: each click once on the wire and once in events', async () => {
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(`${site.origin(host)}/`)
    // The collector has answered this page: its page view is stored and out of the page's storage.
    await waitEvents(c, `${host}.test`, 1)
    await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('tally:v1:q:')))

    // Three clicks and a tracked link, in one go: the page leaves before its 1 s batch, so they go with keepalive at pagehide.
    await page.evaluate(() => {
      document.querySelectorAll('button').forEach((b) => b.click())
      document.querySelector<HTMLAnchorElement>('#next')!.click()
    })
    await page.waitForURL('**/next')
    const rows = await waitEvents(c, `${host}.test`, 6) // 2 page views, 3 clicks, the link
    const clicks = rows.filter((r) => r.name === 'click' || r.name === 'cta').map((r) => r.id)
    expect(clicks).toHaveLength(4)

    await ctx.clock.setSystemTime(Date.now() + 16 * MINUTE) // any queue left behind is stale now
    await page.goto(`${site.origin(host)}/`)
    await settled(page)
    await marker(page)

    const wire = onTheWire()
    for (const id of clicks) expect(wire.get(id), `event ${id} sent ${wire.get(id)} times`).toBe(1)
    const stored = await events(c, `${host}.test`)
    expect(stored.filter((r) => clicks.includes(r.id))).toHaveLength(4)
    expect(duplicates(stored)).toEqual([])
    expect(errors).toEqual([])
  })

  it('what is not guaranteed: sent at pagehide while no answer had come through, a click goes twice on the wire, is stored once', async () => {
    proxy.failNext(100, 'drop-after') // the collector stores what this page sends, but the page never hears back
    const page = await ctx.newPage()
    await page.goto(`${site.origin(host)}/`)
    await waitEvents(c, `${host}.test`, 1)
    await page.evaluate(() => {
      document.querySelectorAll('button').forEach((b) => b.click())
      document.querySelector<HTMLAnchorElement>('#next')!.click()
    })
    await page.waitForURL('**/next')
    await expect.poll(() => proxy.log.some((e) => e.body?.includes('"name":"cta"')), { timeout: 10_000 }).toBe(true)
    proxy.heal()
    const clicks = (await waitEvents(c, `${host}.test`, 6)).filter((r) => r.name === 'click' || r.name === 'cta').map((r) => r.id)
    expect(clicks).toHaveLength(4)

    await ctx.clock.setSystemTime(Date.now() + 16 * MINUTE)
    await page.goto(`${site.origin(host)}/`)
    await settled(page)
    await marker(page)

    const wire = onTheWire()
    for (const id of clicks) expect(wire.get(id)).toBe(2)
    const stored = await events(c, `${host}.test`)
    expect(stored.filter((r) => clicks.includes(r.id))).toHaveLength(4)
    expect(duplicates(stored)).toEqual([])
  })

  it('a stored event older than 24 hours is dropped with a console warning, never sent', async () => {
    const old = { id: crypto.randomUUID(), type: 'track', name: 'ancient', ts: Date.now() - 25 * 60 * MINUTE }
    const fresh = { id: crypto.randomUUID(), type: 'track', name: 'recent', ts: Date.now() - MINUTE }
    const page = await ctx.newPage()
    const warnings: string[] = []
    page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())))
    // A queue a closed tab left behind (released, `t: 0`), with when each event was first queued.
    const queue = { t: 0, e: [old, fresh].map((e) => ({ ...e, url: `${site.origin(host)}/` })), q: [old.ts, fresh.ts], a: [0, 0] }
    await page.addInitScript((q) => localStorage.setItem('tally:v1:q:closed-tab', q), JSON.stringify(queue))
    await page.goto(`${site.origin(host)}/`)
    await settled(page)
    await marker(page)
    const names = (await events(c, `${host}.test`)).map((r) => r.name)
    expect(names).toContain('recent')
    expect(names).not.toContain('ancient')
    expect(onTheWire().has(old.id)).toBe(false)
    expect(warnings).toContain('tally drop expired 1')
  })
})
