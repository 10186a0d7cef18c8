import { createHash } from 'node:crypto'
import type { WireOrderEvent } from '../protocol/order.js'
import { minorUnitExponent } from './currencies.js'
import { MoneyError, amountForDuration, minorToStored, parseDecimal, toMinorUnits } from './money.js'

/** Versions and times may be at most this far ahead of the collector's clock. */
export const MAX_AHEAD_MS = 24 * 60 * 60 * 1000

/**
 * One row of `order_versions`: an order version as received, with what it contributes
 * to the rollups computed once, here (money as Decimal(38, 4) text).
 */
export interface OrderVersionRow {
  site_id: string
  order_id: string
  version: number
  event_id: string
  status: string
  province: string
  cabinet: string
  started_at: number
  ended_at: number | null
  currency: string
  price_per_hour: string
  amount: string
  /** Contribution: 1 for an open, completed or refunded order, else 0. */
  orders: number
  /** Contribution: amount − refunded for an ended order, else 0. */
  revenue: string
  /** Contribution: money refunded, for an ended order, else 0. */
  refunded: string
  /** Identifies the content: two rows of one version with different hashes are a conflict. */
  content_hash: string
  props: Record<string, string>
  received_at: number
}

export interface OrderRejection {
  /** Stable: `order:<what>`. */
  reason: string
  message: string
}

/** Checks the rules a schema cannot (clock, money, status) and computes the contribution. */
export function toOrderVersion(event: WireOrderEvent, site: string, receivedAt: number): OrderVersionRow | OrderRejection {
  const o = event.order
  const latest = receivedAt + MAX_AHEAD_MS
  if (o.version > latest) return refuse('version_too_large', `version ${o.version} is beyond now + 1 day in ms (${latest}); it would freeze the order`)
  if (o.started_at > latest) return refuse('started_in_future', 'started_at is more than a day ahead')
  if (o.ended_at !== undefined && (o.ended_at < o.started_at || o.ended_at > latest)) return refuse('ended_at', 'ended_at is before started_at or more than a day ahead')
  const exponent = minorUnitExponent(o.currency)
  if (exponent === undefined) return refuse('unknown_currency', `${o.currency} is not an ISO 4217 currency with a minor unit`)
  try {
    const given = {
      amount: o.amount === undefined ? undefined : toMinorUnits(o.amount, exponent),
      refunded: o.refunded === undefined ? undefined : toMinorUnits(o.refunded, exponent),
    }
    if (o.price_per_hour !== undefined) parseDecimal(o.price_per_hour) // well-formed, even for an open order
    let amount = 0n
    let refunded = 0n
    const ended = o.status === 'completed' || o.status === 'refunded'
    if (ended) {
      if (given.amount !== undefined) amount = given.amount
      else if (o.ended_at !== undefined && o.price_per_hour !== undefined) amount = amountForDuration(BigInt(o.ended_at - o.started_at), o.price_per_hour, exponent)
      else return refuse('amount_missing', `a ${o.status} order needs amount, or ended_at and price_per_hour`)
      refunded = given.refunded ?? (o.status === 'refunded' ? amount : 0n)
      if (refunded > amount) return refuse('refund_exceeds_amount', 'refunded is more than the amount')
    }
    const counted = ended || o.status === 'open'
    const row: Omit<OrderVersionRow, 'content_hash'> = {
      site_id: site,
      order_id: o.id,
      version: o.version,
      event_id: event.id.toLowerCase(),
      status: o.status,
      province: o.province,
      cabinet: o.cabinet,
      started_at: o.started_at,
      ended_at: o.ended_at ?? null,
      currency: o.currency,
      price_per_hour: o.price_per_hour ?? '',
      amount: minorToStored(amount, exponent),
      orders: counted ? 1 : 0,
      revenue: minorToStored(amount - refunded, exponent),
      refunded: minorToStored(refunded, exponent),
      props: Object.fromEntries(Object.entries(o.props ?? {}).map(([k, v]) => [k, String(v)])),
      received_at: receivedAt,
    }
    return { ...row, content_hash: contentHash(row) }
  } catch (err) {
    if (err instanceof MoneyError) return refuse(err.code === 'malformed' ? 'money_malformed' : err.code, err.message)
    throw err
  }
}

/** What the sender said about the order, not how it travelled (event id, arrival). */
function contentHash(row: Omit<OrderVersionRow, 'content_hash'>): string {
  const { event_id: _e, received_at: _r, ...content } = row
  const props = Object.entries(content.props).sort(([a], [b]) => (a < b ? -1 : 1))
  return createHash('sha256').update(JSON.stringify({ ...content, props })).digest('hex').slice(0, 32)
}

function refuse(what: string, message: string): OrderRejection {
  return { reason: `order:${what}`, message }
}
