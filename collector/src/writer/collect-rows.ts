import { EVENT_ID, EVENT_SITE, type EventTuple, type RejectedRow } from '../storage/rows.js'
import type { Segment, Spool } from '../spool/spool.js'
import { decodePayload } from '../spool/payload.js'
import type { OrderVersionRow } from '../orders/order-version.js'

export interface CollectedRows {
  /** Event tuples in spool order, each (site, id) once (the first wins). */
  events: EventTuple[]
  /** Events dropped because their (site, id) came earlier in the same round. */
  repeats: number
  /** Refused events, one list per segment. */
  rejected: RejectedRow[][]
  /** Order versions in spool order (the applier sorts out repeats). */
  orders: OrderVersionRow[]
}

/**
 * An event's identity: ids are chosen by senders, so they are unique per site only.
 * The same id sent for two sites is two events.
 */
export function eventKey(site: string, id: string): string {
  return `${site}\u0000${id}`
}

export function tupleKey(tuple: EventTuple): string {
  return eventKey(tuple[EVENT_SITE] as string, tuple[EVENT_ID] as string)
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
    const { payloads } = await spool.readRecords(segment)
    const refused: RejectedRow[] = []
    for (const payload of payloads) {
      const decoded = decodePayload(payload)
      for (const tuple of decoded.events) {
        tuple[EVENT_ID] = (tuple[EVENT_ID] as string).toLowerCase()
        const key = tupleKey(tuple)
        if (events.has(key)) repeats++
        else events.set(key, tuple)
      }
      refused.push(...decoded.rejected)
      orders.push(...decoded.orders)
    }
    rejected.push(refused)
  }
  return { events: [...events.values()], repeats, rejected, orders }
}
