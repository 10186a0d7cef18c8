/**
 * Where a page view came from: the page's hostname and path, its UTM parameters,
 * the referrer's host and the acquisition channel. Pure string/URL work, cheap
 * enough to run per event. Which hosts are search, social, AI or webmail comes from
 * a generated table (data/referrer-table.ts, from Matomo's CC0 lists; source-lookup.ts).
 */
import { channelOfHost, channelOfSource } from './source-lookup.js'

export type Channel = 'direct' | 'search' | 'social' | 'ai' | 'email' | 'paid' | 'referral' | 'internal'

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

/**
 * Paid traffic. utm_medium as marketers tag ads (cpc, ppc, cpm, cpv, display,
 * banner, paid, paid_social, paidsearch…), or a click id that only an ad network
 * adds: gclid/gbraid/wbraid/dclid (Google Ads), msclkid (Microsoft Ads), ttclid
 * (TikTok Ads), yclid (Yandex Direct). `fbclid` is NOT paid: Facebook appends it to
 * every outbound link, organic posts included, so it leaves the referrer to decide.
 */
const PAID_MEDIUM = /^(cpc|ppc|cpm|cpv|cpa|display|banner)$|^paid/
const PAID_CLICK_ID = /[?&](gclid|gbraid|wbraid|dclid|msclkid|ttclid|yclid)=/
const EMAIL_MEDIUM = /^(e-?mail|newsletter|edm)/
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
 * The site's own hosts, for self-referrals: lower case, without `www.`. The page's own
 * host always counts too. Build it once per site with {@link siteHostSet}.
 */
export type SiteHosts = ReadonlySet<string>
const NO_HOSTS: SiteHosts = new Set()

/** A site's configured hosts (`www.shop.example`, `Shop.Example.`) as a {@link SiteHosts}. */
export function siteHostSet(hosts: readonly string[]): SiteHosts {
  return new Set(hosts.map((h) => stripWww(h.trim().toLowerCase().replace(/\.$/, ''))).filter((h) => h !== ''))
}

/**
 * Channel, checked in this order (first match wins):
 * internal (the referrer is the page's host or one of the site's hosts, `www.` ignored)
 * → paid (utm_medium, ad click id) → email (utm_medium) → direct (no referrer and no
 * utm_source) → the lists: ai, paid, email, social, search by the referrer's host →
 * search / social by utm_medium (`organic`, `social`) → referral.
 * A utm_source stands in for the referrer when there is none (apps often strip it).
 */
function channelOf(page: URL | null, ref: URL | null, refHost: string, utm: Utm, siteHosts: SiteHosts): Channel {
  if (refHost !== '' && ((page && refHost === stripWww(page.hostname)) || siteHosts.has(refHost))) return 'internal'
  const medium = utm.utm_medium.toLowerCase()
  if (PAID_MEDIUM.test(medium)) return 'paid'
  if (page && PAID_CLICK_ID.test(page.search)) return 'paid'
  if (EMAIL_MEDIUM.test(medium)) return 'email'
  const source = utm.utm_source.toLowerCase()
  if (refHost === '' && source === '') return 'direct'
  const listed = refHost !== '' ? channelOfHost(refHost, ref ? ref.pathname : '') : channelOfSource(source)
  if (listed) return listed
  if (medium === 'organic') return 'search'
  if (SOCIAL_MEDIUM.test(medium)) return 'social'
  return 'referral'
}

/**
 * Page and referrer columns from the page URL and the referrer (either may be ''),
 * with the site's own hosts for self-referrals.
 *
 * @example
 * parseReferrer('https://www.google.com/', 'https://shop.example/p/1?utm_source=spring#top')
 * // { hostname: 'shop.example', path: '/p/1', referrer_host: 'google.com', channel: 'search',
 * //   utm_source: 'spring', utm_medium: '', utm_campaign: '', utm_term: '', utm_content: '' }
 */
export function parseReferrer(referrer: string, pageUrl: string, siteHosts: SiteHosts = NO_HOSTS): PageInfo {
  const page = parseUrl(pageUrl)
  const ref = parseUrl(referrer)
  const refHost = ref ? stripWww(ref.hostname.toLowerCase().replace(/\.$/, '')) : ''
  const utm = utmOf(page ? page.search : '')
  return {
    hostname: page ? page.hostname : '',
    path: page ? pathOf(page) : pathOnly(pageUrl),
    referrer_host: refHost,
    channel: channelOf(page, ref, refHost, utm, siteHosts),
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
