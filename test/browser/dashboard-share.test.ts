import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { ADMIN_TOKEN, DASHBOARD_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { sendTraffic } from '../support/dashboard-traffic.js'
import { launch } from './support.js'

// Share links: a read-only link for one site shows that site only (page, big screen,
// their API and stream), is refused for any other site, stops working when revoked (its
// open streams close), never shows its secret after creation; the dashboard token
// still sees every site.
const BIN = join(import.meta.dirname, '..', '..', 'collector', 'bin', 'tally-collector.mjs')
const run = promisify(execFile)
let c: CollectorProcess
let browser: Browser
const fmt = (n: unknown) => Number(n).toLocaleString('en-US')

interface Created {
  id: string
  site: string
  url: string
  screen_url: string
}

beforeAll(async () => {
  c = await startCollector({ env: { TALLY_TRUST_PROXY: 'true' } })
  browser = await launch()
  await sendTraffic(c, 12)
  // site `other`: 3 page views, so its numbers differ from `test`'s
  const events = [1, 2, 3].map((i) => ({ id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: Date.now(), anon_id: `o${i}`, url: `https://other.example/p${i}` }))
  const res = await fetch(`${c.url}/v1/batch`, { method: 'POST', headers: { Authorization: `Bearer ${await c.token({ site: 'other' })}` }, body: JSON.stringify({ sent_at: Date.now(), events }) })
  expect(res.status).toBe(202)
  await c.waitForDrain()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await c?.cleanup()
})

const cli = async (...args: string[]) => (await run(process.execPath, [BIN, 'share', ...args, '--url', c.url, '--token', ADMIN_TOKEN], { timeout: 30_000 })).stdout
const secretOf = (url: string) => new URL(url).hash.replace('#share=', '')
const get = (path: string, token: string) => fetch(`${c.url}${path}`, { headers: { Authorization: `Bearer ${token}` } })
const pageviews = async (site: string) =>
  (await c.sql<{ pv: string }>("SELECT sum(pageviews) AS pv FROM tally.traffic_hourly WHERE site_id = {site:String} AND toDate(hour) = toDate(now())", { site }))[0]!.pv

async function createShare(site = 'test'): Promise<Created> {
  const res = await fetch(`${c.url}/v1/admin/shares`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify({ site, label: 'wall' }) })
  expect(res.status).toBe(201)
  return (await res.json()) as Created
}

it('shows its one site through the API and refuses every other (403 ERR_SITE_FORBIDDEN); the dashboard token sees both', async () => {
  const share = await createShare()
  const secret = secretOf(share.url)
  expect(secret).toMatch(/^tsh_[A-Za-z0-9_-]{43}$/) // 256 random bits, base64url
  const own = (await (await get('/v1/dashboard?site=test', secret)).json()) as { sites: { id: string }[]; totals: { pageviews: string }[] }
  expect(own.sites.map((s) => s.id)).toEqual(['test'])
  expect(own.totals[0]!.pageviews).toBe(await pageviews('test'))
  for (const path of ['/v1/dashboard?site=other', '/v1/dashboard/screen?site=other', '/v1/dashboard/stream?site=other', '/v1/dashboard/changes?site=other']) {
    const res = await get(path, secret)
    expect(res.status, path).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_SITE_FORBIDDEN')
  }
  const all = (await (await get('/v1/dashboard?site=other', DASHBOARD_TOKEN)).json()) as { sites: { id: string }[]; totals: { pageviews: string }[] }
  expect(all.sites.map((s) => s.id)).toEqual(['test', 'other'])
  expect(all.totals[0]!.pageviews).toBe(await pageviews('other'))
  // only the admin token manages shares; a share secret opens nothing else
  expect((await get('/v1/admin/shares', DASHBOARD_TOKEN)).status).toBe(401)
  expect((await get('/v1/admin/shares', secret)).status).toBe(401)
  expect((await fetch(`${c.url}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${secret}` }, body: '{"query":"SELECT 1"}' })).status).toBe(401)
  expect((await get('/v1/dashboard?site=test', `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).status).toBe(401)
  const unknownSite = await fetch(`${c.url}/v1/admin/shares`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: '{"site":"nope"}' })
  expect(unknownSite.status).toBe(400)
})

it('opens the page in Chromium on its site only, with no site picker', async () => {
  const share = await createShare()
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  await page.goto(share.url)
  await page.waitForFunction((pv) => document.querySelector('#board:not([hidden]) #stat-pageviews .v')?.textContent === pv, fmt(await pageviews('test')))
  expect(await page.$$eval('#site option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['test'])
  expect(await page.isVisible('#site')).toBe(false)
  expect(page.url()).not.toContain('share=') // the secret leaves the address bar
  await page.close()
})

it('is revoked from the CLI: 401 at once, its open streams and big screen close, the dashboard token still works', async () => {
  const share = await createShare()
  const secret = secretOf(share.url)
  const screen = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'en-US' })
  await screen.goto(share.screen_url)
  await screen.waitForFunction(() => document.body.dataset.updated)
  // both streams (the big screen's and the analytics page's change signal) are open
  const streams = await Promise.all(
    [['/v1/dashboard/stream', 'event: screen'], ['/v1/dashboard/changes', 'event: version']].map(async ([path, first]) => {
      const res = await get(path!, secret)
      expect(res.status, path).toBe(200)
      const reader = res.body!.getReader()
      let seen = ''
      while (!seen.includes(first!)) seen += new TextDecoder().decode((await reader.read()).value)
      return { reader, seen }
    }),
  )

  expect(await cli('revoke', share.id)).toContain(`share ${share.id} revoked`)
  const refused = await get('/v1/dashboard?site=test', secret)
  expect(refused.status).toBe(401)
  // each stream ends by itself (within SHARE_CACHE_MS + 1 s), after a `revoked` event
  for (const s of streams) {
    const ended = (async () => {
      for (;;) {
        const { value, done } = await s.reader.read()
        if (done) return 'ended'
        s.seen += new TextDecoder().decode(value)
      }
    })()
    expect(await Promise.race([ended, new Promise((r) => setTimeout(() => r('still open 5 s after the revocation'), 5_000))])).toBe('ended')
    expect(s.seen).toContain('event: revoked')
  }
  await screen.waitForFunction(() => document.getElementById('status')?.textContent === 'token refused', undefined, { timeout: 10_000 })
  await screen.close()
  expect((await get('/v1/dashboard/screen?site=test', DASHBOARD_TOKEN)).status).toBe(200)
  const listed = (await (await get('/v1/admin/shares', ADMIN_TOKEN)).json()) as { shares: { id: string; revoked: boolean }[] }
  expect(listed.shares.find((s) => s.id === share.id)?.revoked).toBe(true)
  expect((await fetch(`${c.url}/v1/admin/shares/${share.id}x`, { method: 'DELETE', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404)
})

it('never shows a secret again: not in list output, not in the table (only its SHA-256)', async () => {
  const created = await cli('create', '--site', 'test', '--label', 'lobby tv')
  const url = /https?:\/\/\S+\/dashboard\?\S+/.exec(created)![0]
  const secret = secretOf(url)
  expect((await get('/v1/dashboard', secret)).status).toBe(200)
  const lists = [await cli('list'), await cli('list', '--format', 'json'), await (await get('/v1/admin/shares', ADMIN_TOKEN)).text()]
  for (const out of lists) {
    expect(out).toContain('lobby tv')
    expect(out).not.toContain(secret)
    expect(out).not.toContain(secret.slice(4, 24))
  }
  const table = JSON.stringify(await c.sql('SELECT * FROM tally.dashboard_shares'))
  expect(table).not.toContain(secret.slice(4, 24))
  expect(table).toContain(createHash('sha256').update(secret).digest('hex'))
})
