import type { KeyValueStore } from './core/store.js'

/**
 * `localStorage` that never throws: disabled storage (the getter itself throws in
 * some privacy modes), a full quota (QuotaExceededError) or a missing `window` all
 * degrade to "nothing stored".
 */
export function localStore(): KeyValueStore & { keys(): string[] } {
  let s: Storage | undefined
  try {
    s = localStorage
  } catch {
    /* disabled */
  }
  const safe =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    (...a: A): R | undefined => {
      try {
        return f(...a)
      } catch {
        /* full or disabled */
      }
    }
  return {
    get: safe((k: string) => s!.getItem(k)),
    set: safe((k: string, v: string) => s!.setItem(k, v)),
    remove: safe((k: string) => s!.removeItem(k)),
    keys: () => safe(() => Object.keys(s!))() || [],
  }
}
