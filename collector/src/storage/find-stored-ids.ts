import type { ClickHouseClient } from '@clickhouse/client'
import { TABLES, table } from './tables.js'

/** Ids per lookup: keeps each query's parameters well under ClickHouse's 1 MiB URI limit. */
const IDS_PER_QUERY = 5_000
/**
 * How far apart in event time a repeat of an id may be and still be recognised. An SDK
 * retry keeps the event's client time (its corrected time moves by milliseconds); a
 * caller that chooses ids itself (e.g. from an order id) gets idempotency for repeats
 * within this window, which keeps the lookup to a few days' partitions.
 */
export const DEDUP_WINDOW_MS = 7 * 24 * 60 * 60 * 1000

export interface IdLookup {
  siteIds: string[]
  ids: string[]
  minTs: number
  maxTs: number
}

/**
 * Which of these event ids are already in `events`? The writer asks before every insert,
 * so a retried batch or a replay after a crash is not counted twice. The bloom filter
 * index on `id` and the (site_id, ts) order key keep it to a few granules.
 */
export async function findStoredIds(client: ClickHouseClient, database: string, lookup: IdLookup): Promise<Set<string>> {
  const found = new Set<string>()
  for (let i = 0; i < lookup.ids.length; i += IDS_PER_QUERY) {
    const result = await client.query({
      // Not `toString(id) AS id`: ClickHouse would apply that alias inside WHERE too.
      query: `SELECT toString(id) AS stored_id FROM ${table(database, TABLES.events)}
              WHERE site_id IN {sites:Array(String)}
                AND ts BETWEEN fromUnixTimestamp64Milli({from:Int64}) AND fromUnixTimestamp64Milli({to:Int64})
                AND id IN {ids:Array(UUID)}`,
      query_params: {
        sites: lookup.siteIds,
        from: lookup.minTs - DEDUP_WINDOW_MS,
        to: lookup.maxTs + DEDUP_WINDOW_MS,
        ids: lookup.ids.slice(i, i + IDS_PER_QUERY),
      },
      format: 'JSONEachRow',
    })
    for (const row of await result.json<{ stored_id: string }>()) found.add(row.stored_id)
  }
  return found
}
