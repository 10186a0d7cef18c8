import { createCore, type CoreOptions } from './core/client.js'
import type { TokenSource } from './core/token.js'
import type { WireEvent, WireEventType, WireProps } from './core/types.js'
import { uuid } from './core/uuid.js'
import { localStore, safe } from './storage.js'
import { adoptOrphans, QUEUE_PREFIX } from './tabs.js'

/**
 * Options of {@link createTally}. With the script tag, each is a `data-*` attribute in
 * kebab case (`tokenUrl` → `data-token-url`); a boolean one is on when present.
 */
export interface TallyOptions
  extends Pick<
    CoreOptions,
    'transport' | 'maxQueueEvents' | 'maxQueueBytes' | 'flushAt' | 'flushInterval' | 'backoff' | 'maxEventAgeMs' | 'maxAttempts' | 'onDrop' | 'onError'
  > {
  /** Collector base URL. Required (script tag: default the script's own origin). */
  endpoint: string
  /**
   * Your backend's token endpoint: a `GET` answering JSON `{ token, expiresAt }` (what
   * sdk-node's token handler serves), called with the page's cookies. Default `'/tally-token'`.
   */
  tokenUrl?: string | undefined
  /** Instead of `tokenUrl`: a token, or a function fetching `{ token, expiresAt }`. */
  token?: TokenSource | undefined
  /** No automatic page views (call `page()` yourself). Default `false`: the first view, SPA navigations and back/forward-cache restores are tracked. */
  manual?: boolean | undefined
  /** Hash routing: the `#…` part is part of the page, and `hashchange` is a navigation. Default `false`. */
  hash?: boolean | undefined
  /** Track clicks on links to other hosts as `outbound` events (`props.url`). Default `false`. */
  outbound?: boolean | undefined
  /**
   * Track clicks on file links as `download` events (`props.url`): links with a
   * `download` attribute or one of these extensions (a list, or comma-separated:
   * `data-downloads="pdf,zip"`); `true`: {@link DOWNLOADS}. Default `false`.
   */
  downloads?: boolean | string | string[] | undefined
  /** Track on `localhost`, `127.*`, `[::1]` and `file:` pages. Default `false`. */
  trackLocalhost?: boolean | undefined
  /** Track nothing when the browser sends Do Not Track or Global Privacy Control. Default `false`. */
  respectDnt?: boolean | undefined
  /**
   * `local`: an anonymous visitor id in localStorage, and the unsent queue persisted
   * there. `none` (cookieless): nothing stored on the device but an opt-out, no
   * `anon_id` sent (the collector derives the visitor from a daily salted hash); the
   * queue lives in memory and is sent with keepalive at unload. Either way the
   * collector derives sessions. Default `local`.
   */
  persistence?: 'local' | 'none' | undefined
}

/** The tracker. No method ever throws. */
export interface Tally {
  /** A behaviour event. */
  track(name: string, props?: WireProps): void
  /** A page view of the current URL, unless that URL was the last one viewed (for `manual`). */
  page(): void
  /** Ties later events to a logged-in user (`user_id`, remembered), sending an `identify` event; `null` on logout. */
  identify(userId: string | null): void
  /** Stop tracking in this browser, remembered in localStorage. */
  optOut(): void
  /** Undo {@link Tally.optOut}. */
  optIn(): void
  /** Sends what is queued; resolves when no request is in flight. */
  flush(): Promise<void>
}

/** File extensions tracked as downloads by default. */
export const DOWNLOADS = 'pdf,docx?,xlsx?,pptx?,csv,txt,zip,dmg,exe,msi,apk,mp[34]'

const noop = () => {}

/**
 * Starts tracking this page. Events: `pageview`; `engagement` (`props.engaged_ms`:
 * time the page was visible, sent when it is hidden or left); `outbound` and
 * `download` (`props.url`); tagged elements (`data-tally-event="name"`, props from
 * `data-tally-prop-<key>="value"`) on click; your `track` calls; `identify`.
 *
 * @example
 * import { createTally } from '@tally/sdk-browser'
 * const tally = createTally({ endpoint: 'https://collector.example.com', tokenUrl: '/api/tally-token' })
 * tally.track('signup', { plan: 'pro' })
 */
export function createTally(o: TallyOptions): Tally {
  try {
    return startTally(o)
  } catch {
    return { track: noop, page: noop, identify: noop, optOut: noop, optIn: noop, flush: () => Promise.resolve() }
  }
}

/** {@link createTally} without the safety net (the script tag has its own). */
export function startTally(o: TallyOptions): Tally {
  const w = window
  const d = document
  const nav = navigator as Navigator & { globalPrivacyControl?: boolean }
  const loc = location
  const on = (t: EventTarget, type: string, f: (e: any) => void) => t.addEventListener(type, safe(f) as EventListener, true)
  const ls = localStore()
  const local = o.persistence != 'none'
  const OPT = 'tally:v1:optout'
  const me = uuid()
  const core = createCore({
    ...o,
    token: o.token || (() => fetch(o.tokenUrl || '/tally-token').then((r) => (r.ok ? r.json() : Promise.reject(r.status)))),
    tokenInBody: true,
    storage: local ? ls : undefined,
    storageKey: QUEUE_PREFIX + me,
  })
  const off =
    (!o.trackLocalhost && /^(localhost|127\.|\[::1\]$|$)/.test(loc.hostname)) ||
    (o.respectDnt && (nav.doNotTrack == '1' || nav.globalPrivacyControl))
  const dl = o.downloads
  const downloads = dl && new RegExp('\\.(' + (dl === true ? DOWNLOADS : '' + dl).replace(/,/g, '|') + ')$', 'i')
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  let anon = local && ls.get('tally:v1:id')
  if (local && !anon) ls.set('tally:v1:id', (anon = uuid()))
  let user = local && ls.get('tally:v1:u')
  /** URL of the page viewed last. */
  let last: string | undefined
  /** Since when the page has been visible (0: hidden). */
  let since = d.hidden ? 0 : Date.now()

  const send = (type: WireEventType, name: string, props?: WireProps, referrer?: string) => {
    if (off || ls.get(OPT)) return
    const e: WireEvent = {
      id: uuid(),
      type,
      name,
      ts: Date.now(),
      url: last || loc.href, // before the first page view (manual mode): where we are
      referrer,
      title: d.title,
      screen: screen.width + 'x' + screen.height,
      locale: nav.language,
      timezone: zone,
      props,
    }
    if (anon) e.anon_id = anon
    if (user) e.user_id = user
    core.enqueue(e)
  }
  /** Sends the time the current page has been visible since the last call. */
  const engagement = () => {
    const ms = since && Date.now() - since
    since = d.hidden ? 0 : Date.now()
    if (ms && last) send('track', 'engagement', { engaged_ms: ms })
  }
  const page = () => {
    const url = o.hash ? loc.href : loc.href.split('#')[0]
    if (url == last) return
    const referrer = last || d.referrer
    engagement()
    last = url
    send('pageview', 'pageview', undefined, referrer)
  }
  const click = (e: MouseEvent) => {
    const t = e.target as Element // not an element (no closest): the throw is caught by `on`
    if (e.button > 1) return
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
  /** Hidden or leaving: engagement, then everything queued with keepalive; on `pagehide` the queue is released to the next page. */
  const hide = (e: Event & { persisted?: boolean }) => {
    if (e.type == 'pagehide' || d.hidden) {
      engagement()
      core.flush({ keepalive: true })
      // Leaving for good (not into the back/forward cache): release the queue to the next page.
      core.persist(e.type == 'pagehide' ? !e.persisted : undefined)
    } else since = Date.now()
  }

  if (!o.manual) {
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
      core.persist(false)
      since = Date.now()
      last = undefined
      if (!o.manual) page()
    }
  })
  on(d, 'click', click)
  on(d, 'auxclick', click)
  on(d, 'visibilitychange', hide)
  on(w, 'pagehide', hide)
  const releaseClaims = local ? safe(adoptOrphans)(ls, me, core.restore) : undefined
  if (releaseClaims) on(w, 'pagehide', releaseClaims)

  return {
    track: safe((name: string, props?: WireProps) => send('track', name, props)),
    page: safe(page),
    identify: safe((id: string | null) => {
      user = id
      if (local) id ? ls.set('tally:v1:u', id) : ls.remove('tally:v1:u')
      if (id) send('identify', 'identify')
    }),
    optOut: () => ls.set(OPT, '1'), // ls never throws
    optIn: () => ls.remove(OPT),
    flush: () => core.flush(), // never rejects
  }
}

