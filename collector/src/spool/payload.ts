import { EVENT_COLUMNS, toEventTuple, type EventRow, type EventTuple, type RejectedRow } from '../storage/rows.js'
import type { OrderVersionRow } from '../orders/order-version.js'

/** What one accepted request puts into the spool: its enriched and its refused events. */
export interface SpoolPayload {
  events: EventRow[]
  rejected: RejectedRow[]
  /** Order versions (step 5); absent in payloads written before. */
  orders?: OrderVersionRow[]
}

/**
 * As stored: format version, events as tuples in EVENT_COLUMNS order, refused events.
 * Version 1 tuples lack the last column (`bot`, added in version 2); they are still
 * read, so a spool written before an upgrade drains after it.
 */
interface StoredPayload {
  v: 1 | 2
  e: EventTuple[]
  r: RejectedRow[]
  /** Order versions, keyed rows; optional, so records written before orders still read. */
  o?: OrderVersionRow[]
}

export interface DecodedPayload {
  events: EventTuple[]
  rejected: RejectedRow[]
  orders: OrderVersionRow[]
}

const VERSION = 2
const V1_COLUMNS = EVENT_COLUMNS.length - 1

export function encodePayload(payload: SpoolPayload): Buffer {
  const stored: StoredPayload = { v: VERSION, e: payload.events.map(toEventTuple), r: payload.rejected }
  if (payload.orders && payload.orders.length > 0) stored.o = payload.orders
  return Buffer.from(JSON.stringify(stored))
}

export class SpoolFormatError extends Error {
  readonly code = 'ERR_SPOOL_FORMAT'
}

export function decodePayload(data: Buffer): DecodedPayload {
  const stored = JSON.parse(data.toString('utf8')) as StoredPayload
  if (stored.v === 1) {
    // version 1 → 2: no bot family was recorded; '' (not a family name) says so
    for (const tuple of stored.e) if (tuple.length === V1_COLUMNS) tuple.push('')
  } else if (stored.v !== VERSION) {
    throw new SpoolFormatError(`spool record of format ${String(stored.v)}; this collector reads formats 1 and ${VERSION}`)
  }
  return { events: stored.e, rejected: stored.r, orders: stored.o ?? [] }
}
