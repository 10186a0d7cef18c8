/**
 * Micro-benchmark of the enrichment step: µs per event for 50-event requests with
 * warm caches. Figures are printed, not asserted.
 *
 *   npx tsx collector/src/enrich/enrich.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { WireEvent } from '../protocol/batch.js'
import { createEnricher, type RequestContext } from './enrich-event.js'

const EVENTS_PER_REQUEST = 50
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
]
/** Referrers that go through the host table (no utm_medium short-cut). */
const REFERRERS = ['https://www.google.com/', 'https://www.baidu.com/', 'https://weibo.com/', 'https://chatgpt.com/', 'https://mail.google.com/', 'https://blog.somewhere.org/', 'https://www.google.co.uk/', 'https://m.facebook.com/', 'https://news.ycombinator.com/', '']
const IPS = ['81.2.69.160', '8.8.8.8', '2001:4860:4860::8888', '::ffff:1.1.1.1', '203.0.113.9']

function batch(i: number, withSession: boolean, distinctUrls: boolean, organic = false): WireEvent[] {
  const now = Date.now()
  return Array.from({ length: EVENTS_PER_REQUEST }, (_, j) => ({
    id: `00000000-0000-4000-8000-${String(i * 100 + j).padStart(12, '0')}`,
    type: j % 5 === 0 ? 'pageview' : 'track',
    name: j % 5 === 0 ? 'pageview' : 'click',
    ts: now - (EVENTS_PER_REQUEST - j) * 1000,
    anon_id: withSession ? `anon-${i % 1000}` : undefined,
    session_id: withSession ? `sess-${i % 1000}` : undefined,
    url: organic
      ? `https://www.shop.example/products/${i}-${j}`
      : `https://www.shop.example/products/${distinctUrls ? j : j % 5}?utm_source=google&utm_medium=cpc&utm_campaign=spring${distinctUrls ? `&gclid=${i}-${j}` : ''}`,
    referrer: organic ? REFERRERS[(i + j) % REFERRERS.length] : 'https://www.google.com/',
    title: 'Product page',
    screen: '1920x1080',
    locale: 'en-GB',
    timezone: 'Europe/London',
    props: { plan: 'pro', qty: j, price: 9.5, gift: j % 2 === 0 },
  }))
}

function run(label: string, cookieless: boolean, withSession: boolean, distinctUrls = false, organic = false): void {
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-'))
  try {
    const enricher = createEnricher({ geo: true, saltDir: dir })
    const site = { id: 'shop', cookieless }
    const batches = Array.from({ length: 200 }, (_, i) => batch(i, withSession, distinctUrls, organic))
    const request = (i: number): RequestContext => ({
      site,
      ip: IPS[i % IPS.length]!,
      userAgent: UAS[i % UAS.length]!,
      receivedAt: Date.now(),
      sentAt: Date.now(),
      source: 'browser',
    })
    let sink = 0
    const once = (requests: number) => {
      for (let i = 0; i < requests; i++) {
        const req = enricher.forRequest(request(i))
        for (const ev of batches[i % batches.length]!) sink += req.event(ev).ts & 1
      }
    }
    once(2_000) // warm up: UA cache, JIT
    const requests = 20_000
    const start = process.hrtime.bigint()
    once(requests)
    const ns = Number(process.hrtime.bigint() - start)
    const perEvent = ns / 1000 / (requests * EVENTS_PER_REQUEST)
    console.log(
      `${label.padEnd(44)} ${perEvent.toFixed(2)} µs/event  ${(perEvent * EVENTS_PER_REQUEST).toFixed(1)} µs/request  ` +
        `≈${Math.round(1e6 / perEvent).toLocaleString('en')} events/s on one core${sink < 0 ? '!' : ''}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

console.log(`enrich: ${EVENTS_PER_REQUEST}-event requests (5 URLs each unless said), warm caches, Node ${process.version}`)
run('anon_id + session_id from the SDK', false, true)
run('cookieless (salted hash, session tracker)', true, false)
run('anon_id, session_id, 50 distinct URLs', false, true, true)
run('50 distinct URLs, referrers via the host table', false, true, true, true)
