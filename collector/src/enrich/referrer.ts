/**
 * Where a page view came from: the page's hostname and path, its UTM parameters,
 * the referrer's host and the acquisition channel. Pure string/URL work, cheap
 * enough to run per event.
 */

export type Channel = 'direct' | 'search' | 'social' | 'email' | 'paid' | 'referral' | 'internal'

/** The page and referrer columns of an `events` row. Missing values are ''. */
export interface PageInfo {
  hostname: string
  /** Path without query and hash; a hash route (`#/…`, SPA hash routing) is kept, without its query. */
  path: string
  /** The referrer's host without a leading `www.`. */
  referrer_host: string
  channel: Channel
  utm_source: string
  utm_medium: string
  utm_campaign: string
  utm_term: string
  utm_content: string
}

// Hosts are matched by label, so `google` matches google.com, www.google.co.uk and
// the Android app referrer com.google.android.googlequicksearchbox. utm_source values
// such as `google` or `facebook` match the same lists.
const SEARCH =
  /(^|\.)(google|bing|duckduckgo|yahoo|baidu|yandex|ecosia|naver|seznam|qwant|startpage|sogou)(\.|$)|^search\.brave\.com$/
const SOCIAL =
  /(^|\.)(facebook|instagram|linkedin|twitter|reddit|youtube|tiktok|weibo|pinterest|threads|bsky|snapchat|quora|discord|telegram|whatsapp|vk)(\.|$)/
/** Short social hosts and utm_source shorthands, matched exactly (a `t.` label is too common). */
const SOCIAL_EXACT = new Set(['t.co', 'x.com', 'fb.com', 'lnkd.in', 'youtu.be', 't.me', 'fb', 'ig', 'x'])
/** Webmail hosts (mail.google.com, outlook.live.com, e.mail.ru…) and the Gmail app. Checked before SEARCH. */
const EMAIL = /(^|\.)(mail|webmail|email|e-mail|gmail|outlook|newsletter)(\.|$)|^com\.google\.android\.gm$/

/**
 * Paid traffic. utm_medium as marketers tag ads (cpc, ppc, cpm, cpv, display,
 * banner, paid, paid_social, paidsearch…), or a click id that only an ad network
 * adds: gclid/gbraid/wbraid/dclid (Google Ads), msclkid (Microsoft Ads), ttclid
 * (TikTok Ads), yclid (Yandex Direct). `fbclid` is NOT paid: Facebook appends it to
 * every outbound link, organic posts included, so it leaves the referrer to decide.
 */
const PAID_MEDIUM = /^(cpc|ppc|cpm|cpv|cpa|display|banner)$|^paid/
const PAID_CLICK_ID = /[?&](gclid|gbraid|wbraid|dclid|msclkid|ttclid|yclid)=/
const EMAIL_MEDIUM = /^(e-?mail|newsletter)/
const SOCIAL_MEDIUM = /^(social|social[-_ ]?media|social[-_ ]?network|sm)$/

type Utm = Pick<PageInfo, 'utm_source' | 'utm_medium' | 'utm_campaign' | 'utm_term' | 'utm_content'>

/** The UTM values of a query string (`?a=1&utm_source=x`); parsed only when there are some. */
function utmOf(search: string): Utm {
  if (!search.includes('utm_')) return { utm_source: '', utm_medium: '', utm_campaign: '', utm_term: '', utm_content: '' }
  const params = new URLSearchParams(search)
  return {
    utm_source: params.get('utm_source') ?? '',
    utm_medium: params.get('utm_medium') ?? '',
    utm_campaign: params.get('utm_campaign') ?? '',
    utm_term: params.get('utm_term') ?? '',
    utm_content: params.get('utm_content') ?? '',
  }
}

function parseUrl(url: string): URL | null {
  if (url === '') return null
  try {
    return new URL(url)
  } catch {
    return null
  }
}

function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host
}

/** The path, with a hash route kept (`/#/settings`), never a query string. */
function pathOf(page: URL): string {
  const hash = page.hash
  if (!hash.startsWith('#/')) return page.pathname
  const q = hash.indexOf('?')
  return page.pathname + (q === -1 ? hash : hash.slice(0, q))
}

/**
 * Channel, checked in this order (first match wins):
 * internal (referrer host = page host, `www.` ignored) → paid → email (by utm_medium)
 * → direct (no referrer and no utm_source) → email host → search → social → referral.
 * A utm_source stands in for the referrer when there is none (apps often strip it).
 */
function channelOf(page: URL | null, refHost: string, utm: Utm): Channel {
  if (page && refHost !== '' && refHost === stripWww(page.hostname)) return 'internal'
  const medium = utm.utm_medium.toLowerCase()
  if (PAID_MEDIUM.test(medium)) return 'paid'
  if (page && PAID_CLICK_ID.test(page.search)) return 'paid'
  if (EMAIL_MEDIUM.test(medium)) return 'email'
  const source = refHost || utm.utm_source.toLowerCase()
  if (source === '') return 'direct'
  if (EMAIL.test(source)) return 'email'
  if (SEARCH.test(source) || medium === 'organic') return 'search'
  if (SOCIAL_EXACT.has(source) || SOCIAL.test(source) || SOCIAL_MEDIUM.test(medium)) return 'social'
  return 'referral'
}

/**
 * Page and referrer columns from the page URL and the referrer (either may be '').
 *
 * @example
 * parseReferrer('https://www.google.com/', 'https://shop.example/p/1?utm_source=spring#top')
 * // { hostname: 'shop.example', path: '/p/1', referrer_host: 'google.com', channel: 'search',
 * //   utm_source: 'spring', utm_medium: '', utm_campaign: '', utm_term: '', utm_content: '' }
 */
export function parseReferrer(referrer: string, pageUrl: string): PageInfo {
  const page = parseUrl(pageUrl)
  const ref = parseUrl(referrer)
  const refHost = ref ? stripWww(ref.hostname) : ''
  const utm = utmOf(page ? page.search : '')
  return {
    hostname: page ? page.hostname : '',
    path: page ? pathOf(page) : pathOnly(pageUrl),
    referrer_host: refHost,
    channel: channelOf(page, refHost, utm),
    ...utm,
  }
}

/** A path-only URL (`/pricing?x=1`) still has a path; anything else unparseable has none. */
function pathOnly(url: string): string {
  if (!url.startsWith('/') || url.startsWith('//')) return ''
  try {
    return pathOf(new URL(url, 'http://path.invalid'))
  } catch {
    return ''
  }
}
