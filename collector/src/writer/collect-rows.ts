import { EVENT_ID, type EventTuple, type RejectedRow } from '../storage/rows.js'
import type { Segment, Spool } from '../spool/spool.js'
import { decodeRecords } from '../spool/record.js'
import { decodePayload } from '../spool/payload.js'
import type { OrderVersionRow } from '../orders/order-version.js'

export interface CollectedRows {
  /** Event tuples in spool order, each id once (the first wins). */
  events: EventTuple[]
  /** Events dropped because their id came earlier in the same round. */
  repeats: number
  /** Refused events, one list per segment. */
  rejected: RejectedRow[][]
  /** Order versions in spool order (the applier sorts out repeats). */
  orders: OrderVersionRow[]
}

/**
 * Reads segments into rows. Deterministic: the same segments give the same rows in the
 * same order, which is what lets a journalled insert be replayed as the same block.
 */
export async function collectRows(spool: Spool, segments: Segment[]): Promise<CollectedRows> {
  const events = new Map<string, EventTuple>()
  const rejected: RejectedRow[][] = []
  const orders: OrderVersionRow[] = []
  let repeats = 0
  for (const segment of segments) {
    const { payloads } = decodeRecords(await spool.readSegment(segment))
    const refused: RejectedRow[] = []
    for (const payload of payloads) {
      const decoded = decodePayload(payload)
      for (const tuple of decoded.events) {
        const id = (tuple[EVENT_ID] as string).toLowerCase()
        tuple[EVENT_ID] = id
        if (events.has(id)) repeats++
        else events.set(id, tuple)
      }
      refused.push(...decoded.rejected)
      orders.push(...decoded.orders)
    }
    rejected.push(refused)
  }
  return { events: [...events.values()], repeats, rejected, orders }
}
