import { TupleParam, type ClickHouseClient } from '@clickhouse/client'
import { TABLES, table } from './tables.js'

/** Pairs per lookup: keeps each query's parameters well under ClickHouse's 1 MiB URI limit. */
const PAIRS_PER_QUERY = 5_000

export interface StoredEventKey {
  site: string
  id: string
}

/**
 * Which of these (site, id) pairs are already stored? The writer asks before every
 * insert, so a retried batch or a replay after a crash is not counted twice, however
 * far apart in time the repeats are and whatever their `ts` says (up to the retention
 * of events). It reads `event_ids` (006_event_ids.sql) by its primary key (site_id, id):
 * a few granules per pair, no time range. Returns `key(site, id)` of the stored ones.
 */
export async function findStoredIds(
  client: ClickHouseClient,
  database: string,
  pairs: StoredEventKey[],
  key: (site: string, id: string) => string,
  signal?: AbortSignal,
): Promise<Set<string>> {
  const found = new Set<string>()
  for (let i = 0; i < pairs.length; i += PAIRS_PER_QUERY) {
    const result = await client.query({
      // Not `toString(id) AS id`: ClickHouse would apply that alias inside WHERE too.
      query: `SELECT DISTINCT site_id AS stored_site, toString(id) AS stored_id FROM ${table(database, TABLES.eventIds)}
              WHERE (site_id, id) IN {pairs:Array(Tuple(String, UUID))}`,
      query_params: { pairs: pairs.slice(i, i + PAIRS_PER_QUERY).map((p) => new TupleParam([p.site, p.id])) },
      format: 'JSONEachRow',
      abort_signal: signal,
    })
    for (const row of await result.json<{ stored_site: string; stored_id: string }>()) found.add(key(row.stored_site, row.stored_id))
  }
  return found
}
