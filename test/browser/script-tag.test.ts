import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { batches, duplicates, events, launch, sleep, startPageServer, trackedPage, waitEvents, watchErrors, type PageServer } from './support.js'

let c: CollectorProcess
let site: PageServer
let browser: Browser
let ctx: BrowserContext

beforeAll(async () => {
  ;[c, browser] = await Promise.all([startCollector(), launch()])
  site = await startPageServer(c)
})
beforeEach(async () => {
  await ctx?.close()
  ctx = await browser.newContext()
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
    const page = await ctx.newPage()
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

    const rows = await waitEvents(c, 'spa.test', 7)
    expect(errors).toEqual([])
    expect(duplicates(rows)).toEqual([])
    const views = rows.filter((r) => r.type === 'pageview')
    // Sorted: two pushStates can share a millisecond, and rows of equal ts have no order.
    // Each view's referrer is the view before it, so the chain is still checked.
    expect(views.map((r) => [r.path, r.referrer]).sort()).toEqual(
      [
        ['/app', 'https://www.google.com/'],
        ['/app/a', origin + '/app'],
        ['/app/b', origin + '/app/a'],
        ['/app/c', origin + '/app/b'],
        ['/app/b', origin + '/app/c?x=1'],
      ].sort(),
    )
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

  it('hash routing: each #route is a page view', async () => {
    site.page('/hash', trackedPage({ endpoint: c.url, hash: true }))
    const page = await ctx.newPage()
    await page.goto(site.origin('hash') + '/hash#/')
    await page.evaluate(() => (location.hash = '#/a'))
    await page.evaluate(() => (location.hash = '#/b'))
    await page.evaluate(() => (location.hash = '#/b')) // same URL: no second view
    const rows = await waitEvents(c, 'hash.test', 3)
    expect(rows.filter((r) => r.type === 'pageview').map((r) => r.url.replace(/^.*\/hash/, ''))).toEqual(['#/', '#/a', '#/b'])
    await page.close()
  })

  it('a back/forward-cache restore is a new view of the page', async () => {
    site.page('/one', trackedPage({ endpoint: c.url }, '<a id="next" href="/two">two</a>'))
    site.page('/two', trackedPage({ endpoint: c.url }))
    const page = await ctx.newPage()
    await page.goto(site.origin('bfcache') + '/one')
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1))
    await page.click('#next')
    await page.waitForURL(/two/)
    // Let /two send its view: a page that enters the cache before its token arrived keeps its
    // events in storage until it is restored (or, evicted, until a later page adopts them).
    await waitEvents(c, 'bfcache.test', 2)
    await page.goBack({ waitUntil: 'commit' }) // a restore fires no load event
    await page.waitForFunction(() => location.pathname === '/one')
    const restored = await page.evaluate(() => (window as unknown as { marker?: number }).marker === 1)
    const rows = await waitEvents(c, 'bfcache.test', 3)
    expect(rows.filter((r) => r.type === 'pageview').map((r) => r.path)).toEqual(['/one', '/two', '/one'])
    expect(restored).toBe(true) // the third view came from pageshow, not a new load
    await page.close()
  })

  it('file downloads are tracked when asked', async () => {
    const body = `<a id="pdf" href="/files/report.pdf">report</a><a id="dl" href="/export?id=1" download>export</a><a id="page" href="/about">about</a>
      <script>document.addEventListener('click', (e) => e.preventDefault())</script>`
    site.page('/dl', trackedPage({ endpoint: c.url, downloads: true }, body))
    const page = await ctx.newPage()
    await page.goto(site.origin('downloads') + '/dl')
    for (const id of ['pdf', 'dl', 'page']) await page.click('#' + id)
    const rows = await waitEvents(c, 'downloads.test', 3)
    const o = site.origin('downloads')
    expect(rows.filter((r) => r.name === 'download').map((r) => r.props.url)).toEqual([o + '/files/report.pdf', o + '/export?id=1'])
    await page.close()
  })

  it('the script served by the collector sends to its own origin; calls queued before it loaded are replayed', async () => {
    const stub = `<script>window.tally = { q: [['track', ['early', { n: 1 }]]] }</script>`
    site.page('/served', trackedPage({}, '', `${c.url}/tally.js`, stub))
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.goto(site.origin('served') + '/served')
    const rows = await waitEvents(c, 'served.test', 2)
    expect(rows.map((r) => r.name).sort()).toEqual(['early', 'pageview'])
    expect(rows.find((r) => r.name === 'early')!.props).toEqual({ n: '1' })
    expect(errors).toEqual([])
    await page.close()
  })

  it('identify: later events carry the user id, also after a reload', async () => {
    site.page('/id', trackedPage({ endpoint: c.url }))
    const page = await ctx.newPage()
    await page.goto(site.origin('identify') + '/id')
    await page.evaluate(() => (window as unknown as { tally: { identify(id: string): void; track(n: string): void } }).tally.identify('user-42'))
    await page.evaluate(() => (window as unknown as { tally: { track(n: string): void } }).tally.track('bought'))
    await page.reload()
    const rows = await waitEvents(c, 'identify.test', 4)
    // (identify and bought may share a millisecond: compare without their order)
    const byName = rows.filter((r) => r.name !== 'engagement').map((r) => `${r.name}:${r.user_id}`)
    expect(byName.filter((x) => x.startsWith('pageview'))).toEqual(['pageview:', 'pageview:user-42'])
    expect(byName.filter((x) => !x.startsWith('pageview')).sort()).toEqual(['bought:user-42', 'identify:user-42'])
    await page.close()
  })
})

describe('privacy', () => {
  it('nothing is tracked on localhost / 127.0.0.1 unless enabled', async () => {
    site.page('/local', trackedPage({ endpoint: c.url }))
    site.page('/local-on', trackedPage({ endpoint: c.url, 'track-localhost': true }))
    const page = await ctx.newPage()
    const sent = batches(page)
    const errors = watchErrors(page)
    await page.goto(`http://127.0.0.1:${site.port}/local`)
    await page.evaluate(() => (window as unknown as { tally: { track(n: string): void } }).tally.track('ignored'))
    await sleep(1500)
    expect(sent).toEqual([])
    await page.goto(`http://127.0.0.1:${site.port}/local-on`)
    await page.waitForTimeout(1500)
    expect(sent.flatMap((b) => b.events.map((e) => e.name))).toEqual(['pageview'])
    expect(errors).toEqual([])
    await page.close()
  })

  it('opt-out is remembered; opt-in resumes', async () => {
    site.page('/opt', trackedPage({ endpoint: c.url }))
    const page = await ctx.newPage()
    type T = { tally: { optOut(): void; optIn(): void; track(n: string): void } }
    await page.goto(site.origin('optout') + '/opt')
    await page.evaluate(() => (window as unknown as T).tally.optOut())
    await page.evaluate(() => (window as unknown as T).tally.track('while-out'))
    await page.reload()
    await page.evaluate(() => (window as unknown as T).tally.track('while-out-after-reload'))
    await page.evaluate(() => (window as unknown as T).tally.optIn())
    await page.evaluate(() => (window as unknown as T).tally.track('back'))
    const rows = await waitEvents(c, 'optout.test', 2)
    await sleep(1000)
    expect((await events(c, 'optout.test')).map((r) => r.name)).toEqual(['pageview', 'back'])
    await page.close()
  })

  it('Do Not Track / Global Privacy Control are respected when asked', async () => {
    site.page('/dnt', trackedPage({ endpoint: c.url, 'respect-dnt': true }))
    const page = await ctx.newPage()
    await page.addInitScript(() => Object.defineProperty(navigator, 'globalPrivacyControl', { get: () => true }))
    const sent = batches(page)
    await page.goto(site.origin('dnt') + '/dnt')
    await sleep(1500)
    expect(sent).toEqual([])
    await page.close()
  })

  it('cookieless (persistence none): no anonymous id sent, nothing stored, still counted', async () => {
    site.page('/none', trackedPage({ endpoint: c.url, persistence: 'none' }))
    const page = await ctx.newPage()
    const sent = batches(page)
    await page.goto(site.origin('cookieless') + '/none')
    const rows = await waitEvents(c, 'cookieless.test', 1)
    expect(rows[0]!.visitor_id).not.toBe('')
    expect(sent.flatMap((b) => b.events).every((e) => !('anon_id' in e))).toBe(true)
    expect(await page.evaluate(() => Object.keys(localStorage))).toEqual([])
    await page.close()
  })
})
