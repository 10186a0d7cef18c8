import { toEventTuple, type EventRow, type EventTuple, type RejectedRow } from '../storage/rows.js'

/** What one accepted request puts into the spool: its enriched and its refused events. */
export interface SpoolPayload {
  events: EventRow[]
  rejected: RejectedRow[]
}

/** As stored: format version, events as tuples in EVENT_COLUMNS order, refused events. */
interface StoredPayload {
  v: 1
  e: EventTuple[]
  r: RejectedRow[]
}

export interface DecodedPayload {
  events: EventTuple[]
  rejected: RejectedRow[]
}

export function encodePayload(payload: SpoolPayload): Buffer {
  const stored: StoredPayload = { v: 1, e: payload.events.map(toEventTuple), r: payload.rejected }
  return Buffer.from(JSON.stringify(stored))
}

export class SpoolFormatError extends Error {
  readonly code = 'ERR_SPOOL_FORMAT'
}

export function decodePayload(data: Buffer): DecodedPayload {
  const stored = JSON.parse(data.toString('utf8')) as StoredPayload
  if (stored.v !== 1) throw new SpoolFormatError(`spool record of format ${String(stored.v)}; this collector reads format 1`)
  return { events: stored.e, rejected: stored.r }
}
