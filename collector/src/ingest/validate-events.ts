import { eventSchema, type WireEvent } from '../protocol/batch.js'
import { LIMITS } from '../protocol/limits.js'
import { isOrderEvent } from '../protocol/order.js'

export interface EventRejection {
  index: number
  /** Stable and of bounded variety: `too_large`, or `invalid:<top-level field>` (the detail is in `message`). */
  reason: string
  message: string
  raw: unknown
  /** The event as sent, as JSON for `rejected_events.payload`: at most 32 K code units, never cut inside a surrogate pair. */
  payload: string
}

export interface ValidatedEvents {
  valid: WireEvent[]
  rejected: EventRejection[]
  /** Order events, unchecked but for size: orders/validate-orders.ts checks them. */
  orders: { index: number; raw: unknown }[]
}

/** Stands in for an event JSON.stringify cannot write (nested deeper than its stack). */
const UNSERIALISABLE = '"[not stored: nested too deep to serialise]"'
/** Longest field path quoted in a message: a prop key is the sender's, of any length. */
const MAX_PATH = 160

/**
 * Checks each event on its own, so one bad event does not sink the batch.
 * `bodyBytes` lets a small body skip the per-event size check: no event of a body
 * under the event limit can be over it.
 */
export function validateEvents(events: unknown[], bodyBytes: number): ValidatedEvents {
  const valid: WireEvent[] = []
  const rejected: EventRejection[] = []
  const orders: ValidatedEvents['orders'] = []
  const checkSize = bodyBytes > LIMITS.bytesPerEvent
  events.forEach((raw, index) => {
    if (checkSize) {
      const json = toJson(raw)
      if (json === undefined) {
        rejected.push({ index, reason: 'invalid:event', message: 'event: nested too deep', raw, payload: UNSERIALISABLE })
        return
      }
      if (Buffer.byteLength(json) > LIMITS.bytesPerEvent) {
        rejected.push({ index, reason: 'too_large', message: `the event is over ${LIMITS.bytesPerEvent} bytes`, raw, payload: truncate(json, LIMITS.bytesPerEvent) })
        return
      }
    }
    if (isOrderEvent(raw)) return void orders.push({ index, raw })
    const parsed = eventSchema.safeParse(raw)
    if (parsed.success) {
      valid.push(parsed.data)
      return
    }
    const issue = parsed.error.issues[0]!
    // The reason names the top-level field only: a prop key is the sender's choice, and
    // reasons become metric labels and LowCardinality values.
    rejected.push({ index, reason: `invalid:${String(issue.path[0] ?? 'event')}`, message: issueMessage(issue), raw, payload: rejectedPayload(raw) })
  })
  return { valid, rejected, orders }
}

/** `path: message` of a zod issue, the path cut short: a prop key is the sender's, of any length. */
export function issueMessage(issue: { path: PropertyKey[]; message: string }): string {
  return `${truncate(issue.path.map(String).join('.'), MAX_PATH) || 'event'}: ${issue.message}`
}

/** A refused event as `rejected_events.payload`: its JSON, cut to the event limit, never inside a surrogate pair. */
export function rejectedPayload(raw: unknown): string {
  return truncate(toJson(raw) ?? UNSERIALISABLE, LIMITS.bytesPerEvent)
}

/** JSON of a parsed body's value, or undefined when it is nested deeper than JSON.stringify's stack goes. */
function toJson(raw: unknown): string | undefined {
  try {
    return JSON.stringify(raw) ?? 'null'
  } catch (err) {
    if (err instanceof RangeError) return undefined
    throw err
  }
}

/**
 * The first `max` code units of `s`, one fewer when the cut would split a surrogate
 * pair: half a pair is a lone surrogate, which ClickHouse refuses in a String column.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s
  const last = s.charCodeAt(max - 1)
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max)
}
