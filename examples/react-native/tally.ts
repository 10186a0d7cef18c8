/**
 * Tally in a React Native app (or any runtime without a DOM: workers, mini-programs):
 * the universal core with injected storage, transport and lifecycle. No React Native
 * dependency here, so this file typechecks on its own; in an app, pass the real
 * `AsyncStorage`, `fetch` and `AppState`.
 *
 * @example
 * // App.tsx
 * import AsyncStorage from '@react-native-async-storage/async-storage'
 * import { AppState } from 'react-native'
 * export const tally = createAppTracker({
 *   endpoint: 'https://collector.example.com',
 *   getToken: () => api.get('/tally-token'), // your backend, which knows the user
 *   storage: AsyncStorage,
 *   onBackground: (flush) => AppState.addEventListener('change', (s) => s !== 'active' && flush()),
 * })
 * tally.screen('Home')
 */
import { createCore, uuid, type IssuedToken, type KeyValueStore, type Transport, type WireEvent, type WireProps } from '@tally/sdk-browser/core'

/** The part of `@react-native-async-storage/async-storage` the tracker uses. */
export interface AsyncStorageLike {
  getItem(key: string): Promise<string | null>
  setItem(key: string, value: string): Promise<void>
  removeItem(key: string): Promise<void>
}

export interface AppTrackerOptions {
  /** Collector base URL. */
  endpoint: string
  /** Fetches `{ token, expiresAt }` from your backend. */
  getToken: () => Promise<IssuedToken>
  /** Persists the queue and the anonymous id across app restarts. */
  storage: AsyncStorageLike
  /** Calls `flush` when the app goes to the background (e.g. with `AppState`). */
  onBackground?: (flush: () => void) => void
  /** Default: the global `fetch` (React Native has one). */
  transport?: Transport
  /** Sent as `props.app_version` on every event. */
  appVersion?: string
}

export interface AppTracker {
  /** A screen view, sent as a `pageview` of `app://<screen>`. */
  screen(name: string, props?: WireProps): void
  track(name: string, props?: WireProps): void
  identify(userId: string | null): void
  flush(): Promise<void>
}

const ID_KEY = 'tally:v1:id'

export function createAppTracker(o: AppTrackerOptions): AppTracker {
  // AsyncStorage speaks getItem/setItem/removeItem; the core speaks get/set/remove, sync or async.
  const store: KeyValueStore = {
    get: (k) => o.storage.getItem(k),
    set: (k, v) => o.storage.setItem(k, v),
    remove: (k) => o.storage.removeItem(k),
  }
  const core = createCore({
    endpoint: o.endpoint,
    token: o.getToken,
    source: 'app', // no browser here: the collector skips device/bot enrichment from the connection
    storage: store,
    storageKey: 'tally:v1:q',
    transport: o.transport,
    flushInterval: 5000,
    onDrop: (events, reason, detail) => console.warn(`tally: ${events.length} event(s) dropped (${reason}${detail ? `: ${detail}` : ''})`),
  })

  // The anonymous id is read once; events queued before it is known wait for it.
  let anonId: string | undefined
  let userId: string | null = null
  let screenName: string | undefined
  const waiting: WireEvent[] = []
  o.storage.getItem(ID_KEY).then(
    (id) => {
      anonId = id ?? uuid()
      if (!id) void o.storage.setItem(ID_KEY, anonId)
      for (const e of waiting.splice(0)) core.enqueue({ ...e, anon_id: anonId })
    },
    () => (anonId = uuid()),
  )

  const send = (type: WireEvent['type'], name: string, props?: WireProps) => {
    const e: WireEvent = {
      id: uuid(),
      type,
      name,
      ts: Date.now(),
      url: screenName && `app://${screenName}`,
      user_id: userId ?? undefined,
      props: o.appVersion ? { ...props, app_version: o.appVersion } : props,
    }
    if (anonId) core.enqueue({ ...e, anon_id: anonId })
    else waiting.push(e)
  }

  o.onBackground?.(() => void core.flush())

  return {
    screen(name, props) {
      screenName = name
      send('pageview', 'pageview', props)
    },
    track: (name, props) => send('track', name, props),
    identify(id) {
      userId = id
      if (id) send('identify', 'identify')
    },
    flush: () => core.flush(),
  }
}
