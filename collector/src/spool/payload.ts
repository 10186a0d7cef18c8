import type { EventRow, RejectedRow } from '../storage/rows.js'

/** What one accepted request puts into the spool: its enriched and its refused events. */
export interface SpoolPayload {
  events: EventRow[]
  rejected: RejectedRow[]
}

export function encodePayload(payload: SpoolPayload): Buffer {
  return Buffer.from(JSON.stringify(payload))
}

export function decodePayload(data: Buffer): SpoolPayload {
  return JSON.parse(data.toString('utf8')) as SpoolPayload
}
