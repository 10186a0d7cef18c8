import type { KeyValueStore } from './core/store.js'

/** A synchronous {@link KeyValueStore}. */
export interface LocalStore extends KeyValueStore {
  get(key: string): string | null | undefined
  set(key: string, value: string): void
  remove(key: string): void
}

/**
 * `localStorage` that never throws: disabled storage (the getter itself throws in
 * some privacy modes), a full quota (QuotaExceededError) or a missing `window` all
 * degrade to "nothing stored".
 */
export function localStore(): LocalStore {
  let s: Storage | undefined
  try {
    s = localStorage
  } catch {
    /* disabled */
  }
  return {
    get: safe((k: string) => s!.getItem(k)),
    set: safe((k: string, v: string) => s!.setItem(k, v)),
    remove: safe((k: string) => s!.removeItem(k)),
  }
}

/** Wraps a function so that it never throws (into the host page, or from storage). */
export function safe<A extends unknown[], R>(f: (...a: A) => R): (...a: A) => R | undefined {
  return (...a) => {
    try {
      return f(...a)
    } catch {
      /* never into the host page; storage full or disabled */
    }
  }
}
