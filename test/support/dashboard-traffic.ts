import type { CollectorProcess } from './collector-process.js'

/**
 * Generated traffic and orders for the dashboard's tests and screenshots: visits with
 * 1–4 page views over a few pages, referrers, UTM tags, browsers and countries (client
 * IPs through X-Forwarded-For; start the collector with TALLY_TRUST_PROXY=true), custom
 * events, and orders over provinces and cabinets. Deterministic for a given seed.
 */
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
]
const IPS = ['81.2.69.160', '8.8.8.8', '1.0.16.1', '5.135.0.1', '223.5.5.5']
const PAGES = ['/', '/pricing', '/docs', '/blog/launch', '/signup']
const REFERRERS = ['', '', 'https://www.google.com/', 'https://news.ycombinator.com/item?id=1', 'https://chatgpt.com/', 'https://weibo.com/']
const UTMS = ['', '', '', '?utm_source=newsletter&utm_medium=email&utm_campaign=spring', '?utm_source=google&utm_medium=cpc&utm_campaign=brand']
export const PROVINCES = ['Guangdong', 'Zhejiang', 'Beijing', 'Sichuan', 'Shanghai']

function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

/** Posts one batch as a browser of `ua` at `ip` would; expects 202. */
export async function post(c: CollectorProcess, events: unknown[], ua: string = UAS[0]!, ip = IPS[0]!, scope?: string): Promise<void> {
  const res = await fetch(`${c.url}/v1/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await c.token(scope ? { scope } : {})}`, Origin: 'https://shop.example', 'User-Agent': ua, 'X-Forwarded-For': ip },
    body: JSON.stringify({ sent_at: Date.now(), events }),
  })
  if (res.status !== 202) throw new Error(`batch answered ${res.status}: ${await res.text()}`)
}

/** `visitors` visits spread over the last `hours` hours (never in the future). */
export async function sendTraffic(c: CollectorProcess, visitors: number, hours = 3, seed = 1): Promise<void> {
  const r = rng(seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(r() * list.length)]!
  for (let v = 0; v < visitors; v++) {
    const start = Date.now() - Math.floor(r() * hours * 3_600_000)
    const session = `s${seed}-${v}`
    const events: unknown[] = []
    const views = 1 + Math.floor(r() * 4)
    let prev = pick(REFERRERS)
    const utm = pick(UTMS)
    for (let i = 0; i < views; i++) {
      const url = `https://shop.example${pick(PAGES)}${i === 0 ? utm : ''}`
      events.push({ id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: start + i * 20_000, anon_id: `v${seed}-${v}`, session_id: session, url, referrer: prev })
      prev = url
    }
    if (r() < 0.3) events.push({ id: crypto.randomUUID(), type: 'track', name: pick(['signup', 'download', 'add_to_cart']), ts: start + views * 20_000, anon_id: `v${seed}-${v}`, session_id: session, url: prev })
    await post(c, events, pick(UAS), pick(IPS))
  }
}

/** One order event (full state). */
export function order(id: string, version: number, o: { status?: string; province?: string; cabinet?: string; amount?: string; refunded?: string; startedAt?: number } = {}) {
  return {
    id: crypto.randomUUID(),
    type: 'order',
    ts: Date.now(),
    order: {
      id, version, status: o.status ?? 'completed', province: o.province ?? 'Guangdong', cabinet: o.cabinet ?? 'cab-1',
      started_at: o.startedAt ?? Date.now() - 60_000, amount: o.amount ?? '10.00', currency: 'CNY', ...(o.refunded ? { refunded: o.refunded } : {}),
    },
  }
}

export async function sendOrders(c: CollectorProcess, n: number, seed = 1): Promise<void> {
  const r = rng(seed + 100)
  const orders = Array.from({ length: n }, (_, i) =>
    order(`o${seed}-${i}`, 1, {
      province: PROVINCES[Math.floor(r() * PROVINCES.length)],
      cabinet: `cab-${1 + Math.floor(r() * 6)}`,
      amount: (5 + Math.floor(r() * 9500) / 100).toFixed(2),
      startedAt: Date.now() - Math.floor(r() * 2 * 3_600_000),
    }),
  )
  await post(c, orders, undefined, undefined, 'ingest server orders')
}
