import { accessSync, constants, mkdirSync } from 'node:fs'
import type { WireEvent, WireProps } from '../protocol/batch.js'
import type { EventRow } from '../storage/rows.js'
import { createGeoLookup, type GeoInfo, type GeoLookup } from './geo.js'
import { parseReferrer, siteHostSet, type PageInfo, type SiteHosts } from './referrer.js'
import { createSessionTracker } from './session.js'
import { createUserAgentParser, type UserAgentInfo } from './user-agent.js'
import { createConnectionVisitor, createSaltStore, visitorFromAnonId, visitorFromUserId } from './visitor.js'

/** What the enricher needs of a site's configuration. */
export interface SiteConfigLike {
  id: string
  /** Visitor ids from (daily salt, site, IP, UA), ignoring any anon_id. */
  cookieless: boolean
  /** The site's own hosts (www and apex alike): referrers from them are `internal`. */
  hosts?: readonly string[]
}

/** One request's context. `ip` and `userAgent` feed hashes and lookups; neither is stored. */
export interface RequestContext {
  site: SiteConfigLike
  ip: string
  userAgent: string
  /** When the collector received the batch, ms. */
  receivedAt: number
  /** The batch's `sent_at` (client clock), ms. */
  sentAt: number
  /** `app` is enriched like `browser` (the connection is the visitor's). */
  source: 'browser' | 'app' | 'server'
}

/** One request's enricher: the per-request work is done; `event` does the per-event part. */
export interface RequestEnricher {
  event(ev: WireEvent): EventRow
}

export interface Enricher {
  forRequest(req: RequestContext): RequestEnricher
}

export interface EnricherOptions {
  /** Geo lookup: `true`/`'country'` the bundled country database, `'city'` with regions, `false` off, or your own lookup. */
  geo: boolean | 'country' | 'city' | GeoLookup
  /** The city database's folder (see GeoOptions.cityDir). */
  geoCityDir?: string
  /** Folder of the daily salts for cookieless visitor ids (created if missing). */
  saltDir: string
  /** Count HeadlessChrome as a browser, not a bot. Default `false`. */
  allowHeadless?: boolean
}

/** Corrected event times are kept within [receivedAt − 31 days, receivedAt + 1 minute]. */
const MAX_PAST_MS = 31 * 24 * 60 * 60_000
const MAX_FUTURE_MS = 60_000

/**
 * For server events the connection is the customer's backend: its UA, IP and
 * country say nothing about the end user, so those columns stay '' and no bot
 * check is made.
 */
const SERVER_UA: UserAgentInfo = Object.freeze({ browser: '', browser_version: '', os: '', os_version: '', device_type: '', is_bot: 0, bot: '' })
const NO_GEO: GeoInfo = Object.freeze({ country: '', region: '' })

/** Props as `Map(String, String)`: numbers and booleans (`true`/`false`) as strings. */
function stringifyProps(props: WireProps | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  if (!props) return out
  for (const key of Object.keys(props)) {
    const value = String(props[key])
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
    else out[key] = value
  }
  return out
}

/**
 * The enrichment step: wire event + request context → `events` row.
 *
 * Per request (once, in `forRequest`): UA parse and bot check (cached), country
 * lookup, clock skew. Per event: the corrected time, page/referrer/UTM parsing
 * (memoized for repeated URLs within the request), props, visitor and session ids.
 *
 * Visitor id, first rule that applies:
 * 1. the site is not cookieless and the event has `anon_id` → hash(site, anon_id);
 * 2. a server event with `user_id` → hash(site, user_id);
 * 3. otherwise → hash(daily salt, site, IP, UA) (see visitor.ts for midnight).
 * Session id: the event's own, else a 30-minute inactivity window per visitor.
 *
 * @example
 * const enricher = createEnricher({ geo: config.geo, saltDir: join(config.dataDir, 'salts') })
 * const req = enricher.forRequest({ site, ip, userAgent, receivedAt: Date.now(), sentAt: batch.sent_at, source: 'browser' })
 * const rows = batch.events.map((ev) => req.event(ev))
 */
export function createEnricher(options: EnricherOptions): Enricher {
  mkdirSync(options.saltDir, { recursive: true, mode: 0o700 })
  accessSync(options.saltDir, constants.W_OK) // fail at start-up, not at the first cookieless event
  const geo =
    typeof options.geo === 'function'
      ? options.geo
      : createGeoLookup({ enabled: options.geo !== false, database: options.geo === 'city' ? 'city' : 'country', cityDir: options.geoCityDir })
  const parseUa = createUserAgentParser({ allowHeadless: options.allowHeadless ?? false })
  const connectionVisitor = createConnectionVisitor({ salts: createSaltStore(options.saltDir) })
  const sessions = createSessionTracker()
  const hostSets = new WeakMap<SiteConfigLike, SiteHosts>() // built once per site config

  function hostsOf(site: SiteConfigLike): SiteHosts {
    let hosts = hostSets.get(site)
    if (!hosts) hostSets.set(site, (hosts = siteHostSet(site.hosts ?? [])))
    return hosts
  }

  return {
    forRequest(req: RequestContext): RequestEnricher {
      const server = req.source === 'server'
      const ua = server ? SERVER_UA : parseUa(req.userAgent)
      const { country, region } = server ? NO_GEO : geo(req.ip)
      const siteId = req.site.id
      const skew = req.receivedAt - req.sentAt
      const minTs = req.receivedAt - MAX_PAST_MS
      const maxTs = req.receivedAt + MAX_FUTURE_MS
      let connectionId: string | undefined // computed on first need: one salted hash per request
      let lastId = '' // anon_id or user_id of the previous event, and its visitor id
      let lastVisitor = ''
      const pages = new Map<string, PageInfo>() // a batch repeats a few URLs
      const siteHosts = hostsOf(req.site)

      function visitorOf(ev: WireEvent): string {
        const byAnon = !req.site.cookieless && ev.anon_id
        const id = byAnon ? `a${ev.anon_id}` : server && ev.user_id ? `u${ev.user_id}` : ''
        if (id === '') return (connectionId ??= connectionVisitor(siteId, req.ip, req.userAgent, req.receivedAt))
        if (id !== lastId) {
          lastId = id
          lastVisitor = byAnon ? visitorFromAnonId(siteId, id.slice(1)) : visitorFromUserId(siteId, id.slice(1))
        }
        return lastVisitor
      }

      function pageOf(url: string, referrer: string): PageInfo {
        const key = `${referrer}\n${url}`
        let page = pages.get(key)
        if (!page) pages.set(key, (page = parseReferrer(referrer, url, siteHosts)))
        return page
      }

      return {
        event(ev: WireEvent): EventRow {
          const ts = Math.min(maxTs, Math.max(minTs, ev.ts + skew))
          const visitorId = visitorOf(ev)
          const url = ev.url ?? ''
          const referrer = ev.referrer ?? ''
          const page = pageOf(url, referrer)
          return {
            id: ev.id,
            site_id: siteId,
            type: ev.type,
            name: ev.name,
            ts,
            received_at: req.receivedAt,
            visitor_id: visitorId,
            session_id: ev.session_id || sessions.sessionFor(visitorId, ts),
            user_id: ev.user_id ?? '',
            url,
            hostname: page.hostname,
            path: page.path,
            referrer,
            referrer_host: page.referrer_host,
            channel: page.channel,
            utm_source: page.utm_source,
            utm_medium: page.utm_medium,
            utm_campaign: page.utm_campaign,
            utm_term: page.utm_term,
            utm_content: page.utm_content,
            title: ev.title ?? '',
            screen: ev.screen ?? '',
            locale: ev.locale ?? '',
            timezone: ev.timezone ?? '',
            browser: ua.browser,
            browser_version: ua.browser_version,
            os: ua.os,
            os_version: ua.os_version,
            device_type: ua.device_type,
            country,
            region,
            is_bot: ua.is_bot,
            bot: ua.bot,
            source: req.source,
            props: stringifyProps(ev.props),
          }
        },
      }
    },
  }
}
