import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WireEvent } from '../protocol/batch.js'
import { createEnricher, type RequestContext } from './enrich-event.js'
import { createGeoLookup } from './geo.js'

const MIN = 60_000
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0)
const IP = '81.2.69.160'
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.29 Safari/537.36'
const shop = { id: 'shop', cookieless: false }
const quiet = { id: 'quiet', cookieless: true }

let n = 0
const event = (over: Partial<WireEvent> = {}): WireEvent => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  type: 'pageview',
  name: 'pageview',
  ts: NOW,
  ...over,
})
const request = (over: Partial<RequestContext> = {}): RequestContext => ({
  site: shop, ip: IP, userAgent: CHROME, receivedAt: NOW, sentAt: NOW, source: 'browser', ...over,
})

let dir: string
let enricher: ReturnType<typeof createEnricher>
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tally-enrich-'))
  enricher = createEnricher({ geo: createGeoLookup({ enabled: true }), saltDir: dir })
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('createEnricher', () => {
  it('fills every column of a browser page view', () => {
    const row = enricher.forRequest(request()).event(event({
      anon_id: 'anon-1', session_id: 's-1', url: 'https://www.shop.example/p/42?utm_source=google&utm_medium=cpc&utm_campaign=spring',
      referrer: 'https://www.google.com/', title: 'Red shoes', screen: '1920x1080', locale: 'en-GB', timezone: 'Europe/London',
      props: { plan: 'pro', qty: 3, price: 9.5, gift: true, express: false },
    }))
    expect(row).toMatchObject({
      site_id: 'shop', type: 'pageview', name: 'pageview', ts: NOW, received_at: NOW, session_id: 's-1', user_id: '',
      hostname: 'www.shop.example', path: '/p/42', referrer_host: 'google.com', channel: 'paid',
      utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring', utm_term: '', utm_content: '',
      title: 'Red shoes', screen: '1920x1080', locale: 'en-GB', timezone: 'Europe/London',
      browser: 'Chrome', browser_version: '124', os: 'Windows', os_version: '10', device_type: 'desktop',
      country: 'GB', region: '', is_bot: 0, source: 'browser',
    })
    expect({ ...row.props }).toEqual({ plan: 'pro', qty: '3', price: '9.5', gift: 'true', express: 'false' })
    expect(row.visitor_id).toMatch(/^[0-9a-f]{32}$/)
  })

  it('keeps odd prop names as plain keys', () => {
    const props = JSON.parse('{"__proto__":"x","constructor":1}') as Record<string, string | number>
    const row = enricher.forRequest(request()).event(event({ anon_id: 'a', props }))
    expect(JSON.parse(JSON.stringify(row.props))).toEqual(JSON.parse('{"__proto__":"x","constructor":"1"}'))
  })

  it('turns missing optional strings into empty strings', () => {
    const row = enricher.forRequest(request()).event(event({ anon_id: 'a' }))
    for (const col of ['user_id', 'url', 'hostname', 'path', 'referrer', 'referrer_host', 'title', 'screen', 'locale', 'timezone', 'utm_source'] as const) {
      expect(row[col], col).toBe('')
    }
    expect(row.channel).toBe('direct')
    expect(row.props).toEqual({})
  })

  it('never puts the raw IP in the row', () => {
    for (const site of [shop, quiet]) {
      const row = enricher.forRequest(request({ site })).event(event({ url: 'https://shop.example/' }))
      expect(JSON.stringify(row)).not.toContain(IP)
    }
  })

  it('corrects client clock skew and clamps absurd times', () => {
    // The client clock is 10 minutes slow: sent_at and ts are both behind.
    const slow = enricher.forRequest(request({ sentAt: NOW - 10 * MIN }))
    expect(slow.event(event({ ts: NOW - 11 * MIN })).ts).toBe(NOW - MIN)
    const r = enricher.forRequest(request())
    expect(r.event(event({ ts: NOW + 60 * MIN })).ts).toBe(NOW + MIN)
    expect(r.event(event({ ts: 0 })).ts).toBe(NOW - 31 * 24 * 60 * MIN)
  })

  it('same anon_id → same visitor; cookieless → same visitor for same IP+UA+site+day, ignoring anon_id', () => {
    const a = enricher.forRequest(request()).event(event({ anon_id: 'x' }))
    const b = enricher.forRequest(request({ ip: '8.8.8.8' })).event(event({ anon_id: 'x' }))
    expect(b.visitor_id).toBe(a.visitor_id)
    const c1 = enricher.forRequest(request({ site: quiet })).event(event({ anon_id: 'x' }))
    const c2 = enricher.forRequest(request({ site: quiet, receivedAt: NOW + 60 * MIN })).event(event({ anon_id: 'y' }))
    expect(c2.visitor_id).toBe(c1.visitor_id)
    const other = enricher.forRequest(request({ site: { id: 'other', cookieless: true } })).event(event())
    expect(other.visitor_id).not.toBe(c1.visitor_id)
  })

  it('gives events without a session id a 30-minute session', () => {
    const at = (t: number) => enricher.forRequest(request({ site: quiet, receivedAt: t, sentAt: t })).event(event({ ts: t }))
    const first = at(NOW).session_id
    expect(at(NOW + 20 * MIN).session_id).toBe(first)
    expect(at(NOW + 60 * MIN).session_id).not.toBe(first)
  })

  it('flags bots, and HeadlessChrome only without allowHeadless', () => {
    const bot = enricher.forRequest(request({ userAgent: 'Googlebot/2.1 (+http://www.google.com/bot.html)' })).event(event())
    expect(bot).toMatchObject({ is_bot: 1, device_type: 'bot', bot: 'googlebot' })
    expect(enricher.forRequest(request({ userAgent: 'okhttp/4.9.2', source: 'app' })).event(event())).toMatchObject({ is_bot: 0, bot: '' })
    expect(enricher.forRequest(request()).event(event()).bot).toBe('')
    expect(enricher.forRequest(request({ userAgent: HEADLESS })).event(event()).is_bot).toBe(1)
    const e2e = createEnricher({ geo: false, saltDir: dir, allowHeadless: true })
    expect(e2e.forRequest(request({ userAgent: HEADLESS })).event(event())).toMatchObject({ is_bot: 0, device_type: 'desktop', country: '' })
  })

  it('server events: no UA, geo or bot check from the backend connection; user_id makes the visitor', () => {
    const req = enricher.forRequest(request({ source: 'server', userAgent: 'node' }))
    const row = req.event(event({ type: 'track', name: 'signup', user_id: 'u-1' }))
    expect(row).toMatchObject({ source: 'server', is_bot: 0, browser: '', os: '', device_type: '', country: '', user_id: 'u-1' })
    expect(req.event(event({ user_id: 'u-1' })).visitor_id).toBe(row.visitor_id)
    expect(req.event(event({ user_id: 'u-2' })).visitor_id).not.toBe(row.visitor_id)
  })

  it("reads a referrer from one of the site's configured hosts as internal", () => {
    const site = { id: 'multi', cookieless: false, hosts: ['shop.example', 'cdn.shop-static.example'] }
    const req = enricher.forRequest(request({ site }))
    expect(req.event(event({ url: 'https://www.shop.example/', referrer: 'https://cdn.shop-static.example/landing' })).channel).toBe('internal')
    expect(req.event(event({ url: 'https://shop.example/', referrer: 'https://www.shop.example/a' })).channel).toBe('internal')
    expect(req.event(event({ url: 'https://shop.example/', referrer: 'https://chatgpt.com/' })).channel).toBe('ai')
  })

  it('keeps an SPA hash route and reads a same-site referrer as internal', () => {
    const row = enricher.forRequest(request()).event(event({ url: 'https://app.example/#/orders/7?tab=2', referrer: 'https://app.example/#/orders' }))
    expect(row).toMatchObject({ path: '/#/orders/7', channel: 'internal' })
  })
})
