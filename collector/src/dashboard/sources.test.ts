import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../config/schema.js'
import { createEnricher } from '../enrich/enrich-event.js'
import { siteHostSet } from '../enrich/referrer.js'
import type { WireEvent } from '../protocol/batch.js'
import { openStorage, type Storage } from '../storage/client.js'
import { migrate } from '../storage/migrate.js'
import { breakdowns } from './queries/breakdowns.js'
import { parseViewParams, queryParams } from './params.js'

// The dashboard's sources panel on the real engine, fed through real enrichment: every
// source it lists has the channel an analyst expects, and the site itself is never one.
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const site = { id: 'shop', cookieless: false, hosts: ['shop.example', 'cdn.shop-static.example'] }
let storage: Storage
let n = 0

function pageview(anon: string, url: string, referrer = ''): WireEvent {
  return { id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, type: 'pageview', name: 'pageview', ts: Date.now(), anon_id: anon, url, referrer }
}

/** One SPA visit as sdk-browser sends it: the first page view carries document.referrer, each route change the previous URL. */
function spaVisit(anon: string, landingReferrer: string, landing = 'https://www.shop.example/'): WireEvent[] {
  const routes = [landing, 'https://www.shop.example/#/products', 'https://www.shop.example/#/products/7', 'https://www.shop.example/#/cart']
  return routes.map((url, i) => pageview(anon, url, i === 0 ? landingReferrer : routes[i - 1]))
}

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-sources-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [site], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, storage.database)
  const enricher = createEnricher({ geo: false, saltDir: join(config.dataDir, 'salts') })
  const req = enricher.forRequest({ site, ip: '81.2.69.160', userAgent: CHROME, receivedAt: Date.now(), sentAt: Date.now(), source: 'browser' })
  const events = [
    ...spaVisit('a1', 'https://www.google.com/'),
    ...spaVisit('a2', 'https://www.baidu.com/'),
    ...spaVisit('a3', 'https://weibo.com/'),
    ...spaVisit('a4', 'https://chatgpt.com/'),
    ...spaVisit('a5', 'https://mail.google.com/'),
    ...spaVisit('a6', 'https://blog.somewhere.org/post'),
    ...spaVisit('a7', '', 'https://www.shop.example/?utm_source=google&utm_medium=cpc'),
    ...spaVisit('a8', ''),
    // the apex links to www, a CDN landing page links in: both are the site itself
    pageview('a9', 'https://www.shop.example/', 'https://shop.example/'),
    pageview('a9', 'https://shop.example/', 'https://cdn.shop-static.example/landing.html'),
  ]
  const rows = events.map((ev) => req.event(ev))
  // A row stored before `hosts` was configured: the CDN host classified as a referral then.
  rows.push({ ...rows[0]!, id: '00000000-0000-4000-8000-999999999999', referrer: 'https://cdn.shop-static.example/', referrer_host: 'cdn.shop-static.example', channel: 'referral' })
  await storage.client.insert({ table: `${storage.database}.events`, values: rows, format: 'JSONEachRow' })
})

afterAll(async () => storage?.close())

async function bySource(by: string): Promise<string[]> {
  const params = queryParams(parseViewParams(new URLSearchParams(), 'shop', 'UTC'), [...siteHostSet(site.hosts)])
  const result = await storage.readClient.query({ query: breakdowns.sql(storage.database), query_params: { ...params, dims: [by], limit: 20, candidates: 100 }, format: 'JSONEachRow' })
  return (await result.json<{ label: string }>()).map((r) => r.label).sort()
}

describe('the dashboard’s sources', () => {
  it('lists referrers apart from channels, and never the site itself', async () => {
    expect(await bySource('referrer')).toEqual(['baidu.com', 'blog.somewhere.org', 'chatgpt.com', 'google.com', 'mail.google.com', 'weibo.com'])
    expect(await bySource('channel')).toEqual(['ai', 'direct', 'email', 'paid', 'referral', 'search', 'social'])
    expect(await bySource('utm_source')).toEqual(['google'])
    expect(await bySource('utm_medium')).toEqual(['cpc'])
  })
})
