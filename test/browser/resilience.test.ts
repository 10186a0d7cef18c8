import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy.js'
import { duplicates, goodToken, launch, sleep, startPageServer, trackedPage, waitEvents, watchErrors, type PageServer } from './support.js'

/**
 * Never lose, never double: the page talks to the collector through a flaky proxy, so
 * each test can take the collector "offline" (connections cut) and read what reached it.
 */
let c: CollectorProcess
let site: PageServer
let browser: Browser
let proxy: FlakyProxy
/** One browser profile per test: its pages share localStorage, like tabs. */
let ctx: BrowserContext
let n = 0
/** A fresh origin (own localStorage) per test. */
let host = ''

beforeAll(async () => {
  ;[c, browser] = await Promise.all([startCollector(), launch()])
  site = await startPageServer(c)
  proxy = await startFlakyProxy({ target: c.url, recordBodies: true })
})
afterAll(async () => {
  await browser?.close()
  await proxy?.close()
  await site?.close()
  await c?.cleanup()
})
beforeEach(async () => {
  await ctx?.close()
  ctx = await browser.newContext()
  host = `r${++n}`
  proxy.heal()
  site.token = goodToken
  site.page('/', trackedPage({ endpoint: proxy.url }, clicks))
})

const clicks = [1, 2, 3, 4, 5].map((i) => `<button id="b${i}" data-tally-event="click" data-tally-prop-i="${i}">${i}</button>`).join('')

/** Event ids in requests that reached the collector and were accepted, with how often each was sent. */
function delivered(): Map<string, number> {
  const ids = new Map<string, number>()
  for (const e of proxy.log)
    if (e.outcome === 'forwarded' && e.status === 202)
      for (const ev of (JSON.parse(e.body!) as { events: { id: string; url?: string }[] }).events)
        if (ev.url?.includes(`//${host}.test`)) ids.set(ev.id, (ids.get(ev.id) ?? 0) + 1)
  return ids
}
const queued = (page: Page) =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('tally:v1:q:'))
      .flatMap((k) => (JSON.parse(localStorage.getItem(k)!) as { e: { id: string }[] }).e.map((e) => e.id)),
  )
const open = async (path = '/') => {
  const page = await ctx.newPage()
  const errors = watchErrors(page)
  await page.goto(site.origin(host) + path)
  return { page, errors }
}
const clickAll = async (page: Page) => {
  for (let i = 1; i <= 5; i++) await page.click(`#b${i}`)
}

describe('never lose, never double', () => {
  it('the collector offline while the user clicks, then back: everything arrives, nothing twice', async () => {
    proxy.failFor(60_000, 'drop')
    const { page, errors } = await open()
    await clickAll(page)
    await sleep(2500) // a few failed attempts
    expect(proxy.count('dropped')).toBeGreaterThan(0)
    expect(await queued(page)).toHaveLength(6)
    proxy.heal()
    const rows = await waitEvents(c, `${host}.test`, 6, 20_000)
    expect(rows.filter((r) => r.name === 'click').map((r) => r.props.i)).toEqual(['1', '2', '3', '4', '5'])
    expect(duplicates(rows)).toEqual([])
    expect([...delivered().values()].every((k) => k === 1)).toBe(true)
    await sleep(200)
    expect(await queued(page)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('the collector stopped while the user clicks, then restarted: everything arrives, nothing twice', async () => {
    site.page('/direct', trackedPage({ endpoint: c.url }, clicks)) // no proxy: the real collector goes away
    const { page, errors } = await open('/direct')
    await waitEvents(c, `${host}.test`, 1)
    await c.stop()
    await clickAll(page)
    await sleep(1000)
    await c.restart() // same port, same data
    const rows = await waitEvents(c, `${host}.test`, 6, 30_000)
    expect(rows.filter((r) => r.name === 'click').map((r) => r.props.i)).toEqual(['1', '2', '3', '4', '5'])
    expect(duplicates(rows)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('the page closed with events queued: they leave with keepalive, once', async () => {
    const { page } = await open()
    await clickAll(page)
    await page.close({ runBeforeUnload: true }) // within the flush interval: only pagehide sends them
    const rows = await waitEvents(c, `${host}.test`, 6)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    expect(duplicates(rows)).toEqual([])
  })

  it('the page closed while offline: the next load replays the queue, once', async () => {
    proxy.failFor(60_000, 'drop')
    const first = await open()
    await clickAll(first.page)
    const ids = await queued(first.page)
    expect(ids).toHaveLength(6)
    await first.page.close({ runBeforeUnload: true })
    await sleep(500) // the keepalive attempt fails too
    proxy.heal()
    const next = await open('/')
    const rows = await waitEvents(c, `${host}.test`, 7)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    expect(duplicates(rows)).toEqual([])
    for (const id of ids) expect(delivered().get(id)).toBe(1)
    expect(next.errors).toEqual([])
    await next.page.close()
  })

  it('two tabs opening at once do not both send the queue they inherit', async () => {
    proxy.failFor(60_000, 'drop')
    const first = await open()
    await clickAll(first.page)
    const ids = await queued(first.page)
    await first.page.close({ runBeforeUnload: true })
    await sleep(500)
    proxy.heal()
    const [a, b] = await Promise.all([open('/'), open('/')])
    const rows = await waitEvents(c, `${host}.test`, 8)
    await sleep(1500)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    const sent = delivered()
    for (const id of ids) expect(sent.get(id), `event ${id} sent ${sent.get(id)} times`).toBe(1)
    await Promise.all([a.page.close(), b.page.close()])
  })
})

describe('tokens', () => {
  it('an expired token is refreshed (the collector says 401, the SDK fetches a new one)', async () => {
    let calls = 0
    site.token = async (col) => {
      // The first token has expired already (beyond the collector's clock skew), though the backend claims otherwise.
      const ttlSeconds = ++calls === 1 ? -120 : 300
      return { body: { token: await col.token({ ttlSeconds }), expiresAt: Date.now() + 300_000 } }
    }
    const { page, errors } = await open()
    await clickAll(page)
    const rows = await waitEvents(c, `${host}.test`, 6)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    expect(calls).toBeGreaterThanOrEqual(2)
    expect(proxy.log.some((e) => e.status === 401)).toBe(true)
    expect(errors).toEqual([])
    await page.close()
  })

  it('a token about to expire is replaced before it does', async () => {
    let calls = 0
    site.token = async (col) => {
      calls++
      return { body: { token: await col.token({ ttlSeconds: 2 }), expiresAt: Date.now() + 2_000 } }
    }
    const before = proxy.log.length
    const { page } = await open()
    for (let i = 1; i <= 5; i++) {
      await page.click(`#b${i}`)
      await sleep(700)
    }
    const rows = await waitEvents(c, `${host}.test`, 6)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    expect(calls).toBeGreaterThanOrEqual(2)
    expect(proxy.log.slice(before).filter((e) => e.status === 401)).toEqual([])
    await page.close()
  })

  it('a 401 from a revoked key does not lose the queue', async () => {
    let good = false
    site.token = async (col) => ({ body: { token: await col.token({ kid: good ? undefined : 'revoked' }), expiresAt: Date.now() + 300_000 } })
    const { page, errors } = await open()
    await clickAll(page)
    await sleep(2500)
    expect(proxy.log.filter((e) => e.status === 401).length).toBeGreaterThan(0)
    expect(await queued(page)).toHaveLength(6)
    good = true
    const rows = await waitEvents(c, `${host}.test`, 6, 20_000)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    expect(duplicates(rows)).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('storage', () => {
  it('localStorage full: no exception reaches the page, events still arrive', async () => {
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.addInitScript(() => {
      if (location.pathname !== '/') return
      const chunk = 'x'.repeat(256 * 1024)
      try {
        for (let i = 0; i < 1000; i++) localStorage.setItem('filler' + i, chunk)
      } catch {
        /* full now */
      }
      try {
        for (let i = 0; i < 1000; i++) localStorage.setItem('small' + i, 'x'.repeat(1024))
      } catch {
        /* really full */
      }
    })
    await page.goto(site.origin(host) + '/')
    await expect(page.evaluate(() => localStorage.setItem('probe', 'x'.repeat(4096)))).rejects.toThrow(/quota/i)
    await clickAll(page)
    const rows = await waitEvents(c, `${host}.test`, 6)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    expect(errors).toEqual([])
    await page.close()
  })

  it('localStorage disabled (throws on access): no exception reaches the page, events still arrive', async () => {
    const page = await ctx.newPage()
    const errors = watchErrors(page)
    await page.addInitScript(() => {
      Object.defineProperty(window, 'localStorage', {
        get() {
          throw new DOMException('The operation is insecure.', 'SecurityError')
        },
      })
    })
    await page.goto(site.origin(host) + '/')
    await clickAll(page)
    await page.evaluate(() => {
      const t = (window as unknown as { tally: { optOut(): void; identify(id: string): void; track(n: string): void } }).tally
      t.identify('u-1')
      t.track('after-identify')
    })
    const rows = await waitEvents(c, `${host}.test`, 8)
    expect(rows.filter((r) => r.name === 'click')).toHaveLength(5)
    expect(rows.find((r) => r.name === 'after-identify')?.user_id).toBe('u-1')
    expect(errors).toEqual([])
    await page.close()
  })
})
