import { FULL } from './flags.js'
import type { WireEvent } from './types.js'

/** One queued event with its size as JSON (UTF-8 bytes). */
export interface QueueItem {
  event_: WireEvent
  bytes_: number
  /** When the event was first queued (ms since the epoch; kept across restarts and tabs). */
  queued_: number
  /** Sends of the event answered with a retryable error (see `maxAttempts`). */
  tries_: number
  /** Set while a request carrying the event is in flight. */
  sending_?: boolean
  /** In flight in a keepalive request at unload while the collector was answering: left out of storage (see `persist`). */
  handed_?: boolean
}

/** Why events left the queue without being delivered. */
export type DropReason =
  /** The queue was full (count or bytes): the oldest waiting event made room. */
  | 'overflow'
  /** The event alone is larger than `LIMITS.bytesPerEvent` or `maxBodyBytes`. */
  | 'too_large'
  /** The collector answered a final 4xx for its batch; `detail` is the collector's code. */
  | 'final'
  /** The collector accepted the batch but refused (quarantined) this event; `detail` is the reason. */
  | 'rejected'
  /** Added after `close()`. */
  | 'closed'
  /** Past a cap: first queued more than `maxEventAgeMs` ago (`detail` `'age'`), or `maxAttempts` sends answered with a retryable error (`'attempts'`). */
  | 'expired'

/** Reports dropped events. Never silent: every drop goes through here. */
export type DropHandler = (events: WireEvent[], reason: DropReason, detail?: string) => void

/** UTF-8 length of a string, without TextEncoder (missing in some runtimes). */
export function utf8Length(s: string): number {
  if (!FULL) return new TextEncoder().encode(s).length
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c > 0x7ff) {
      n += 2
      if (c >= 0xd800 && c < 0xdc00) i++
    } else if (c > 0x7f) n++
  }
  return n
}

/**
 * A queue bounded in count and bytes. (Internal; property names ending in `_` are
 * mangled in the script-tag build.) Overflow policy: **drop the oldest** event that
 * is not in flight (recent events matter most to a live view), reported through
 * `onDrop(events, 'overflow')`; if every queued event is in flight, the new one is
 * dropped instead. Returns the items array (oldest first) and `add`.
 */
export function boundedQueue(maxEvents: number, maxBytes: number, onDrop: DropHandler) {
  const items: QueueItem[] = []
  let bytes = 0
  const remove = (i: number) => {
    bytes -= items[i]!.bytes_
    return items.splice(i, 1)[0]!.event_
  }
  return {
    items_: items,
    /**
     * Adds an event (its JSON size given; when first queued and its attempts so far, for
     * one read back from storage) at the end, then evicts the oldest waiting events (at
     * worst this one) while over a bound.
     */
    add_(event: WireEvent, size: number, queued = Date.now(), tries = 0) {
      items.push({ event_: event, bytes_: size, queued_: queued, tries_: tries })
      bytes += size
      while (items.length > maxEvents || bytes > maxBytes) onDrop([remove(items.findIndex((q) => !q.sending_))], 'overflow')
    },
    /** Removes these items (delivered or finally refused). */
    remove_(done: QueueItem[]) {
      for (const q of done) {
        const i = items.indexOf(q)
        if (i >= 0) remove(i)
      }
    },
  }
}

/**
 * The next batch: waiting (not in flight) items, oldest first, at most `maxEvents`,
 * and at most `maxBodyBytes` once wrapped in an envelope of `overhead` bytes. The
 * first item is taken even when it alone is too big, unless `strict`.
 */
export function takeBatch(items: QueueItem[], maxEvents: number, maxBodyBytes: number, overhead: number, strict?: boolean): QueueItem[] {
  const out: QueueItem[] = []
  let size = overhead
  for (const q of items) {
    if (q.sending_) continue
    if (out.length >= maxEvents || size + q.bytes_ + 1 > maxBodyBytes) {
      if (out.length || strict) break
    }
    out.push(q)
    size += q.bytes_ + 1
  }
  return out
}
