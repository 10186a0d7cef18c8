import { createCore, type CoreOptions } from './core/client.js'
import type { TokenSource } from './core/token.js'
import type { WireEvent, WireEventType, WireProps } from './core/types.js'
import { uuid } from './core/uuid.js'
import { localStore } from './storage.js'
import { adoptOrphans, QUEUE_PREFIX } from './tabs.js'

/** Options of {@link createTally}. Script tag: the `data-*` attribute named in each. */
export interface TallyOptions
  extends Pick<CoreOptions, 'transport' | 'maxQueueEvents' | 'maxQueueBytes' | 'flushAt' | 'flushInterval' | 'backoff' | 'onDrop' | 'onError'> {
  /** Collector base URL. Required. `data-api`; default there: the script's own origin. */
  endpoint: string
  /**
   * Your backend's token endpoint: a `GET` answering JSON `{ token, expiresAt }` (what
   * sdk-node's token handler serves). `data-token-url`; default `'/tally/token'` there.
   */
  tokenUrl?: string | undefined
  /** Instead of `tokenUrl`: a token, or a function fetching `{ token, expiresAt }`. */
  token?: TokenSource | undefined
  /** Sent to `tokenUrl` as `?site=`, for backends serving several sites. `data-site`. Default: none. */
  site?: string | undefined
  /** Track page views by itself: the first, SPA navigations, back/forward-cache restores. `data-manual` turns off. Default `true`. */
  pageviews?: boolean | undefined
  /** Hash routing: the `#…` part is part of the page (views on `hashchange`). `data-hash`. Default `false`. */
  hash?: boolean | undefined
  /** Track clicks on links to other hosts as `outbound` events (`props.url`). `data-outbound`. Default `false`. */
  outbound?: boolean | undefined
  /** Track clicks on file links (`download` attribute, or these extensions) as `download` events. `data-downloads="pdf,zip"` (empty: defaults). Default `false`; `true`: {@link DOWNLOADS}. */
  downloads?: boolean | string[] | undefined
  /** Send `engagement` events (`props.engaged_ms`, time the page was visible) when it is hidden or left. `data-no-engagement` turns off. Default `true`. */
  engagement?: boolean | undefined
  /** Track on `localhost`, `127.*`, `[::1]` and `file:`. `data-local`. Default `false`. */
  trackLocalhost?: boolean | undefined
  /** Track nothing when the browser sends Do Not Track or Global Privacy Control. `data-dnt`. Default `false`. */
  respectDnt?: boolean | undefined
  /**
   * `local`: an anonymous visitor id and a session id (30 minutes idle) in
   * localStorage, and the unsent queue persisted there. `none` (cookieless): nothing
   * stored on the device but an opt-out, no `anon_id` or `session_id` sent (the
   * collector derives the visitor); the queue lives in memory and is sent with
   * keepalive at unload. `data-persistence`. Default `local`.
   */
  persistence?: 'local' | 'none' | undefined
}

/** The tracker. No method ever throws. */
export interface Tally {
  /** A behaviour event. */
  track(name: string, props?: WireProps): void
  /** A page view of the current URL, unless that URL was the last one viewed. For `pageviews: false`. */
  page(): void
  /** Ties later events to a logged-in user (`user_id`), sending an `identify` event; `null` on logout. */
  identify(userId: string | null): void
  /** Stop tracking in this browser, remembered in localStorage. */
  optOut(): void
  /** Undo {@link Tally.optOut}. */
  optIn(): void
  /** Sends what is queued; resolves when no request is in flight. */
  flush(): Promise<void>
}

/** File extensions tracked as downloads by default. */
export const DOWNLOADS = 'pdf,xlsx,docx,pptx,csv,zip,gz,dmg,exe,msi,pkg,apk,mp3,mp4,mov,txt,json'.split(',')

const SESSION_IDLE_MS = 30 * 60 * 1000
const noop = () => {}

/**
 * Starts tracking this page.
 *
 * @example
 * import { createTally } from '@tally/sdk-browser'
 * const tally = createTally({ endpoint: 'https://collector.example.com', tokenUrl: '/api/tally-token' })
 * tally.track('signup', { plan: 'pro' })
 */
export function createTally(o: TallyOptions): Tally {
  try {
    return start(o)
  } catch {
    return { track: noop, page: noop, identify: noop, optOut: noop, optIn: noop, flush: () => Promise.resolve() }
  }
}

function start(o: TallyOptions): Tally {
  const w = window
  const d = document
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean }
  const loc = location
  const on = (t: EventTarget, type: string, f: (e: any) => void) => t.addEventListener(type, safe(f), true)
  const ls = localStore()
  const local = o.persistence != 'none'
  const OPT = 'tally:v1:optout'
  const me = uuid()
  const site = o.site ? (o.tokenUrl && o.tokenUrl.indexOf('?') >= 0 ? '&' : '?') + 'site=' + encodeURIComponent(o.site) : ''
  const core = createCore({
    flushInterval: 1000,
    flushAt: 10,
    maxQueueEvents: 200,
    maxQueueBytes: 256 * 1024,
    ...o,
    token:
      o.token ||
      (() =>
        fetch((o.tokenUrl || '/tally/token') + site).then((r) => (r.ok ? r.json() : Promise.reject(new Error('token ' + r.status))))),
    tokenInBody: true,
    storage: local ? ls : undefined,
    storageKey: QUEUE_PREFIX + me,
  })
  const off =
    (!o.trackLocalhost && (/^(localhost|127\.|\[::1\]$)/.test(loc.hostname) || loc.protocol == 'file:')) ||
    (o.respectDnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl))
  const downloads = o.downloads && new RegExp('\\.(' + (o.downloads === true ? DOWNLOADS : o.downloads).join('|') + ')$', 'i')
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  let anon = local && (ls.get('tally:v1:id') as string)
  if (local && !anon) ls.set('tally:v1:id', (anon = uuid()))
  let user = local ? (ls.get('tally:v1:u') as string | null) : null
  /** URL of the page viewed last. */
  let last: string | undefined
  let visibleSince = Date.now()
  let engaged = 0

  const send = (type: WireEventType, name: string, props?: WireProps, referrer?: string) => {
    if (off || ls.get(OPT)) return
    const e: WireEvent = {
      id: uuid(),
      type,
      name,
      ts: Date.now(),
      url: last,
      referrer,
      title: d.title,
      screen: screen.width + 'x' + screen.height,
      locale: nav.language,
      timezone: zone,
      props,
    }
    if (local) {
      const s = (ls.get('tally:v1:s') || '').split(' ')
      e.anon_id = anon as string
      e.session_id = s[0] && e.ts - +s[1]! < SESSION_IDLE_MS ? s[0] : uuid()
      ls.set('tally:v1:s', e.session_id + ' ' + e.ts)
    }
    if (user) e.user_id = user
    core.enqueue(e)
  }
  /** Sends the time the current page was visible, if any. */
  const engagement = () => {
    if (!d.hidden) engaged += Date.now() - visibleSince
    visibleSince = Date.now()
    if (engaged > 0 && last && o.engagement != false) send('track', 'engagement', { engaged_ms: engaged })
    engaged = 0
  }
  const page = () => {
    const url = o.hash ? loc.href : loc.href.split('#')[0]
    if (url == last) return
    const referrer = last || d.referrer || undefined
    if (last) engagement()
    last = url
    send('pageview', 'pageview', undefined, referrer)
  }
  const click = (e: MouseEvent) => {
    const t = e.target as Element
    if (e.button > 1 || !t.closest) return
    const tagged = t.closest('[data-tally-event]')
    if (tagged) {
      const props: WireProps = {}
      for (const a of tagged.attributes as unknown as Attr[]) if (!a.name.indexOf('data-tally-prop-')) props[a.name.slice(16)] = a.value
      send('track', tagged.getAttribute('data-tally-event')!, props)
    }
    const a = t.closest('a[href]') as HTMLAnchorElement | null
    if (a) {
      const props = { url: a.href }
      if (o.outbound && a.host != loc.host && /^http/.test(a.protocol)) send('track', 'outbound', props)
      else if (downloads && (a.hasAttribute('download') || downloads.test(a.pathname))) send('track', 'download', props)
    }
  }
  const hide = (e: Event & { persisted?: boolean }) => {
    if (e.type == 'pagehide' || d.hidden) {
      engagement()
      core.flush({ keepalive: true })
      core.persist(e.type == 'pagehide' && !e.persisted)
    } else visibleSince = Date.now()
  }

  if (o.pageviews != false) {
    for (const m of ['pushState', 'replaceState'] as const) {
      const f = history[m]
      history[m] = function (this: History, ...a: Parameters<History['pushState']>) {
        f.apply(this, a)
        safe(page)()
      }
    }
    on(w, 'popstate', page)
    if (o.hash) on(w, 'hashchange', page)
    page()
  }
  on(w, 'pageshow', (e: PageTransitionEvent) => {
    if (e.persisted) {
      core.persist()
      visibleSince = Date.now()
      last = undefined
      if (o.pageviews != false) page()
    }
  })
  on(d, 'click', click)
  on(d, 'auxclick', click)
  on(d, 'visibilitychange', hide)
  on(w, 'pagehide', hide)
  if (local) adoptOrphans(ls, me, core.enqueue, core.persist)

  return {
    track: safe((name: string, props?: WireProps) => send('track', name, props)),
    page: safe(page),
    identify: safe((id: string | null) => {
      user = id
      if (local) id ? ls.set('tally:v1:u', id) : ls.remove('tally:v1:u')
      if (id) send('identify', 'identify')
    }),
    optOut: safe(() => ls.set(OPT, '1')),
    optIn: safe(() => ls.remove(OPT)),
    flush: () => core.flush().catch(noop),
  }
}

/** Wraps a function so that it never throws into the host page. */
function safe<A extends unknown[]>(f: (...a: A) => unknown) {
  return (...a: A): void => {
    try {
      f(...a)
    } catch {
      /* never into the host page */
    }
  }
}
