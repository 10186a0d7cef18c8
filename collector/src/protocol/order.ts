import { z } from 'zod'
import { propsSchema } from './batch.js'
import { checkStrings, epochMs, eventId } from './strings.js'

/**
 * The `order` event of `POST /v1/batch`: an order's full current state (never a delta),
 * sent by sdk-node's `tally.order()` with a token whose scope includes `orders`.
 * Money travels as decimal text in major units ("12.50"), never as a JSON number.
 */
export const ORDER_STATUSES = ['open', 'completed', 'refunded', 'cancelled', 'deleted'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

/** A name an analyst groups by; what it may hold is checked with the other strings (strings.ts). */
const label = (max: number) => z.string().min(1).max(max)

const decimalText = z.string().max(40)

export const orderSchema = z.object({
  /** The order's id in the sender's system. */
  id: label(128),
  /** Grows with every change (a revision, or updated_at in ms); the highest wins. */
  version: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  status: z.enum(ORDER_STATUSES),
  province: label(128),
  cabinet: label(128),
  started_at: epochMs,
  ended_at: epochMs.optional(),
  /** Major units, may be finer than the minor unit. */
  price_per_hour: decimalText.optional(),
  /** Explicit total in major units; else hours × price_per_hour. */
  amount: decimalText.optional(),
  /** Refunded so far, in major units. */
  refunded: decimalText.optional(),
  /** ISO 4217 code. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY'),
  props: propsSchema.optional(),
})
  // Names an analyst groups by must name something; props as for every event (strings.ts).
  .superRefine(checkStrings({ fields: { id: 'name', province: 'name', cabinet: 'name' }, props: { field: 'props', key: 'name', value: 'text' } }))

export const orderEventSchema = z.object({
  /** Client-made UUID of this event (one per call of `tally.order()`). */
  id: eventId,
  type: z.literal('order'),
  /** Client time, ms since the epoch. */
  ts: epochMs,
  order: orderSchema,
})

export type WireOrder = z.infer<typeof orderSchema>
export type WireOrderEvent = z.infer<typeof orderEventSchema>

/** True for anything that says it is an order event (validated by {@link orderEventSchema}). */
export function isOrderEvent(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'order'
}
