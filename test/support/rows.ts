import type { EventRow } from '../../collector/src/storage/rows.js'

/** A small deterministic PRNG, so generated data is the same on every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!

function uuid(r: () => number): string {
  const h = Array.from({ length: 32 }, () => Math.floor(r() * 16).toString(16)).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export interface RowOptions {
  count: number
  sites: string[]
  visitors: number
  days: number
  seed: number
  /** Start of the time range (ms); default: midnight UTC `days` days ago. */
  from?: number
}

/** Enriched event rows as the collector would write them, spread over sites, days and pages. */
export function makeRows(o: RowOptions): EventRow[] {
  const r = prng(o.seed)
  const from = o.from ?? Math.floor(Date.now() / 86_400_000 - o.days) * 86_400_000
  const rows: EventRow[] = []
  for (let i = 0; i < o.count; i++) {
    const visitor = Math.floor(r() * o.visitors)
    const ts = from + Math.floor(r() * o.days * 86_400_000)
    const path = pick(r, ['/', '/pricing', '/docs', '/blog/a', '/blog/b'])
    const bot = r() < 0.03
    const country = pick(r, ['GB', 'FR', 'CN', ''])
    rows.push({
      id: uuid(r),
      site_id: pick(r, o.sites),
      type: r() < 0.7 ? 'pageview' : 'track',
      name: 'pageview',
      ts,
      received_at: ts,
      visitor_id: `v${visitor}`,
      session_id: `s${visitor}-${Math.floor(ts / 3_600_000)}`,
      user_id: '',
      url: `https://shop.example${path}`,
      hostname: 'shop.example',
      path,
      referrer: '',
      referrer_host: pick(r, ['', 'google.com', 'news.ycombinator.com']),
      channel: pick(r, ['direct', 'search', 'referral']),
      utm_source: pick(r, ['', 'newsletter']),
      utm_medium: '',
      utm_campaign: '',
      utm_term: '',
      utm_content: '',
      title: '',
      screen: '1920x1080',
      locale: 'en-GB',
      timezone: 'Europe/London',
      browser: bot ? 'Googlebot' : pick(r, ['Chrome', 'Firefox', 'Safari']),
      browser_version: '120',
      os: pick(r, ['Windows', 'Mac OS', 'iOS', 'Android']),
      os_version: '',
      device_type: bot ? 'bot' : pick(r, ['desktop', 'mobile']),
      country,
      region: country === 'CN' ? pick(r, ['Guangdong', 'Zhejiang', 'Beijing']) : '',
      is_bot: bot ? 1 : 0,
      bot: bot ? pick(r, ['googlebot', 'bingbot', 'curl', 'empty']) : '',
      source: 'browser',
      props: { plan: pick(r, ['free', 'pro']) },
    })
  }
  return rows
}
