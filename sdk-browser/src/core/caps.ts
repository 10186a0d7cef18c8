import type { DropHandler, QueueItem } from './queue.js'

/**
 * Default `maxEventAgeMs`: 24 hours. Long enough to ride out a day offline or a
 * collector outage overnight; short enough that a device does not keep a visitor's
 * events for longer than sending them needs.
 */
export const MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000

/**
 * Default `maxAttempts`: 100 sends answered with a retryable error (5xx, 408, 429, a
 * 401 after a fresh token). With the default backoff (at most 60 s between retries,
 * jittered), that is an hour or more of a collector answering errors. Sends that got no
 * answer at all (offline, a request cut at unload) do not count: being offline is not
 * the event's fault, and the age cap bounds it.
 */
export const MAX_ATTEMPTS = 100

/**
 * Drops the waiting events past a cap, reported through `drop(events, 'expired',
 * detail)`: first queued more than `maxAgeMs` ago (`'age'`), or `maxAttempts` sends
 * answered with a retryable error (`'attempts'`). Events in flight stay: their answer decides.
 */
export function expire(items: QueueItem[], remove: (done: QueueItem[]) => void, drop: DropHandler, maxAgeMs: number, maxAttempts: number): void {
  const now = Date.now()
  const take = (over: (q: QueueItem) => boolean, why: string) => {
    const gone = items.filter((q) => !q.sending_ && over(q))
    if (gone.length) {
      remove(gone)
      drop(gone.map((q) => q.event_), 'expired', why)
    }
  }
  take((q) => now - q.queued_ > maxAgeMs, 'age')
  take((q) => q.tries_ >= maxAttempts, 'attempts')
}
