import { uuid, type WireEvent } from '@tally/sdk-browser/core'
import { TallyError } from '../errors.js'

/** An order's full current state, as `tally.order()` takes it. Each call sends the whole state, never a delta. */
export interface TallyOrder {
  /** The order's id in your system. */
  id: string
  /** An integer that grows with every change (a revision, or updated_at in ms). The highest wins. */
  version: number
  status: 'open' | 'completed' | 'refunded' | 'cancelled' | 'deleted'
  province: string
  /** The machine (cabinet, store, device) the order belongs to. */
  cabinet: string
  /** ms since the epoch, or a Date. */
  startedAt: Date | number
  endedAt?: Date | number
  /** Decimal in major units, e.g. "3.50"; may be finer than the currency's minor unit. */
  pricePerHour?: string | number
  /** Explicit total in major units; else the collector computes hours × pricePerHour. */
  amount?: string | number
  /** Amount refunded so far (partial refunds), major units. */
  refunded?: string | number
  /** ISO 4217 code, e.g. "CNY". */
  currency: string
  props?: Record<string, string | number | boolean>
}

const STATUSES = new Set(['open', 'completed', 'refunded', 'cancelled', 'deleted'])

function invalid(message: string): never {
  throw new TallyError('ERR_EVENT_INVALID', `order: ${message}`)
}

const text = (v: unknown, what: string): string => (typeof v === 'string' && v.length > 0 ? v : invalid(`${what} must be a non-empty string`))

function time(v: Date | number, what: string): number {
  const ms = v instanceof Date ? v.getTime() : v
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) invalid(`${what} must be ms since the epoch (an integer) or a Date`)
  return ms
}

/**
 * Money as decimal text. A number is written with its shortest exact decimal form
 * (`String(3.3)` is "3.3"), so what you typed is what the collector parses; the collector
 * never sees a float. Prefer strings for amounts beyond 15 significant digits.
 */
function money(v: string | number, what: string): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) invalid(`${what} must be a non-negative finite number or a decimal string`)
    return String(v)
  }
  if (typeof v !== 'string') invalid(`${what} must be a decimal string such as "12.50"`)
  return v
}

/** The wire `order` event (the collector's protocol/order.ts). Malformed input throws at the call site. */
export function buildOrderEvent(o: TallyOrder): WireEvent {
  if (typeof o !== 'object' || o === null) invalid('pass an object')
  if (!Number.isSafeInteger(o.version) || o.version <= 0) invalid('version must be a positive integer')
  if (!STATUSES.has(o.status)) invalid(`status must be one of ${[...STATUSES].join(', ')}`)
  if (typeof o.currency !== 'string' || !/^[A-Z]{3}$/.test(o.currency)) invalid('currency must be an ISO 4217 code such as "CNY"')
  const order: Record<string, unknown> = {
    id: text(o.id, 'id'),
    version: o.version,
    status: o.status,
    province: text(o.province, 'province'),
    cabinet: text(o.cabinet, 'cabinet'),
    started_at: time(o.startedAt, 'startedAt'),
    currency: o.currency,
  }
  if (o.endedAt !== undefined) order.ended_at = time(o.endedAt, 'endedAt')
  if (o.pricePerHour !== undefined) order.price_per_hour = money(o.pricePerHour, 'pricePerHour')
  if (o.amount !== undefined) order.amount = money(o.amount, 'amount')
  if (o.refunded !== undefined) order.refunded = money(o.refunded, 'refunded')
  if (o.props !== undefined && Object.keys(o.props).length > 0) order.props = o.props
  // The core queues and sends it like any event; its shape is the collector's order event.
  return { id: uuid(), type: 'order', ts: Date.now(), order } as unknown as WireEvent
}
