import { eventSchema, type WireEvent } from '../protocol/batch.js'
import { LIMITS } from '../protocol/limits.js'
import { isOrderEvent } from '../protocol/order.js'

export interface EventRejection {
  index: number
  /** Stable and of bounded variety: `too_large`, or `invalid:<top-level field>` (the detail is in `message`). */
  reason: string
  message: string
  raw: unknown
}

export interface ValidatedEvents {
  valid: WireEvent[]
  rejected: EventRejection[]
  /** Order events, unchecked but for size: orders/validate-orders.ts checks them. */
  orders: { index: number; raw: unknown }[]
}

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
    if (checkSize && Buffer.byteLength(JSON.stringify(raw) ?? '') > LIMITS.bytesPerEvent) {
      rejected.push({ index, reason: 'too_large', message: `the event is over ${LIMITS.bytesPerEvent} bytes`, raw })
      return
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
    const path = issue.path.join('.') || 'event'
    rejected.push({ index, reason: `invalid:${String(issue.path[0] ?? 'event')}`, message: `${path}: ${issue.message}`, raw })
  })
  return { valid, rejected, orders }
}
