import type { QueueItem } from './queue.js'
import type { WireEvent } from './types.js'

/**
 * Key–value string storage the core persists its queue in. Methods may be
 * synchronous (`localStorage`) or return promises (React Native's AsyncStorage);
 * they may throw or reject (storage full or disabled), which the core survives.
 *
 * @example
 * // React Native
 * import AsyncStorage from '@react-native-async-storage/async-storage'
 * const store: KeyValueStore = {
 *   get: (k) => AsyncStorage.getItem(k),
 *   set: (k, v) => AsyncStorage.setItem(k, v),
 *   remove: (k) => AsyncStorage.removeItem(k),
 * }
 */
export interface KeyValueStore {
  get(key: string): string | null | undefined | Promise<string | null | undefined>
  set(key: string, value: string): void | Promise<void>
  remove(key: string): void | Promise<void>
}

/**
 * What the core writes under its storage key (JSON): `t`, when written (ms; `0` once
 * the writer released it for another instance to adopt), and `e`, the queued events,
 * oldest first, including those in flight (they are only removed once acknowledged),
 * except those handed to a keepalive request at unload while the collector was
 * answering (see `Core.flush`). `q` and `a`, parallel to `e`: when each was first
 * queued, and its attempts (see `maxEventAgeMs`, `maxAttempts`). A queue written before
 * they existed has neither: its events count as queued when read, never tried.
 */
export interface PersistedQueue {
  t: number
  e: WireEvent[]
  q?: number[]
  a?: number[]
  /** Set by an instance claiming a released queue (sdk-browser, multi-tab). */
  c?: string
}

/** The JSON of a {@link PersistedQueue} written at `t` holding `items`. */
export function writeQueue(t: number, items: QueueItem[]): string {
  return JSON.stringify({ t, e: items.map((q) => q.event_), q: items.map((q) => q.queued_), a: items.map((q) => q.tries_) })
}

/** Parses a persisted queue; `undefined` for anything unreadable. */
export function readQueue(raw: string | null | undefined): PersistedQueue | undefined {
  try {
    const q = JSON.parse(raw!) as PersistedQueue
    if (q && (q.e.map as unknown)) return q
  } catch {
    /* empty or corrupt: nothing to replay */
  }
}

/** Calls `f` with `v`, at once if `v` is not a promise (so sync storage stays sync). */
export function when<T>(v: T | Promise<T>, f: (v: T) => void): void {
  if (v && typeof (v as Promise<T>).then == 'function') (v as Promise<T>).then(f, () => f(undefined as T))
  else f(v as T)
}
