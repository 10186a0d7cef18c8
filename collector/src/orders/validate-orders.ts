import { issueMessage, rejectedPayload, type EventRejection } from '../ingest/validate-events.js'
import { orderEventSchema } from '../protocol/order.js'
import { toOrderVersion, type OrderVersionRow } from './order-version.js'

export interface ValidatedOrders {
  rows: OrderVersionRow[]
  rejected: EventRejection[]
}

export interface OrderContext {
  site: string
  receivedAt: number
  /** The token's scope includes `orders`. */
  allowed: boolean
}

/**
 * Checks each order event of a batch: the token's `orders` scope (`scope:orders` when it
 * lacks it: the batch's other events are still accepted), the wire schema, then the
 * rules of order-version.ts. Reasons are stable and of bounded variety.
 */
export function validateOrders(events: { index: number; raw: unknown }[], ctx: OrderContext): ValidatedOrders {
  const out: ValidatedOrders = { rows: [], rejected: [] }
  for (const { index, raw } of events) {
    if (!ctx.allowed) {
      out.rejected.push({ index, reason: 'scope:orders', message: 'the token lacks the "orders" scope', raw, payload: rejectedPayload(raw) })
      continue
    }
    const parsed = orderEventSchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const field = issue.path[0] === 'order' && issue.path.length > 1 ? `order.${String(issue.path[1])}` : String(issue.path[0] ?? 'event')
      out.rejected.push({ index, reason: `invalid:${field}`, message: issueMessage(issue), raw, payload: rejectedPayload(raw) })
      continue
    }
    const row = toOrderVersion(parsed.data, ctx.site, ctx.receivedAt)
    if ('reason' in row) out.rejected.push({ index, ...row, raw, payload: rejectedPayload(raw) })
    else out.rows.push(row)
  }
  return out
}
