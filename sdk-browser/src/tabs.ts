import { readQueue, type PersistedQueue } from './core/store.js'
import type { LocalStore } from './storage.js'

/** Prefix of each tab's queue key; the tab id follows. */
export const QUEUE_PREFIX = 'tally:v1:q:'
/** A queue not written for this long belongs to a tab that died without `pagehide`. Longer than Chrome keeps a page in the back/forward cache (10 min). */
export const STALE_MS = 15 * 60 * 1000
/**
 * How long a claim must stand before the claimer takes the queue. A write to
 * localStorage reaches other tabs asynchronously: on a loaded machine it took over 200 ms
 * (two tabs both took one queue in test/browser/resilience.test.ts under the full suite),
 * and a slow phone is no faster. Orphans are events from an earlier page: a second more
 * costs nothing.
 */
export const CLAIM_MS = 1_000

/**
 * Two tabs must not send the same persisted events. Each tab keeps its queue under its
 * own key (`tally:v1:q:<tab id>`), so tabs never overwrite each other's writes. A tab
 * marks its queue released (`t: 0`) on `pagehide`; a tab that crashed leaves a queue
 * that goes stale. On load, a tab claims each released or stale queue by writing its
 * id into it (`c`, with a fresh `t`, so other tabs now see it as live), waits
 * {@link CLAIM_MS}, and takes it only if its claim still stands (the last writer wins;
 * a tab arriving later sees a live queue and leaves it). The events are queued again
 * with their ids, ages and attempts (`restore`), persisted under the claimer's key, and
 * only then is the old key removed; a crash in between can at worst replay events, which the collector's id
 * check absorbs, and never loses them. Returns what to call on `pagehide`: a claim not yet
 * taken is released again, or the queue would look live to the next page for STALE_MS.
 */
export function adoptOrphans(ls: LocalStore, me: string, restore: (q: PersistedQueue) => void): () => void {
  const pending = new Set<string>()
  for (const k of Object.keys(localStorage)) {
    const q = k.indexOf(QUEUE_PREFIX) ? 0 : readQueue(ls.get(k))
    if (!q || k == QUEUE_PREFIX + me || Date.now() - q.t < STALE_MS) continue
    q.t = Date.now()
    q.c = me
    ls.set(k, JSON.stringify(q))
    pending.add(k)
    setTimeout(() => {
      pending.delete(k)
      const r = readQueue(ls.get(k))
      if (r && r.c == me) {
        restore(r)
        ls.remove(k)
      }
    }, CLAIM_MS)
  }
  return () => {
    for (const k of pending) {
      const r = readQueue(ls.get(k))
      if (r && r.c == me) ls.set(k, JSON.stringify({ ...r, t: 0 }))
    }
  }
}
