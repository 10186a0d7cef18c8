import type { ClickHouseClient } from '@clickhouse/client'
import { ORDER_TABLES, orderTable } from './order-tables.js'
import { VERSION_SELECT, fromRaw, orderKey, type InboxRow, type LedgerRow, type StateRow } from './order-rows.js'

/** Orders per state lookup: keeps each query's parameters well under the 1 MiB URI limit. */
const KEYS_PER_QUERY = 2_000

/** The applier's reads and its one write. */
export class OrderStore {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  /** Inbox rows inserted at or after `fromMicros`, oldest first. */
  async versionsSince(fromMicros: number, limit: number): Promise<InboxRow[]> {
    const rs = await this.client.query({
      query: `SELECT ${VERSION_SELECT}, toString(toUnixTimestamp64Micro(inserted_at)) AS inserted_us
              FROM ${orderTable(this.database, ORDER_TABLES.versions)}
              WHERE inserted_at >= fromUnixTimestamp64Micro({from:Int64})
              ORDER BY inserted_at LIMIT {limit:UInt32}`,
      query_params: { from: fromMicros, limit },
      format: 'JSONEachRow',
    })
    return (await rs.json<Record<string, unknown>>()).map(({ inserted_us, ...r }) => ({ ...fromRaw(r as never), inserted_at: Number(inserted_us) }) as InboxRow)
  }

  /** The applied state of each of these orders (absent: never applied). No FINAL: the highest version per key. */
  async states(keys: { site_id: string; order_id: string }[]): Promise<Map<string, StateRow>> {
    const found = new Map<string, StateRow>()
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY)
      const rs = await this.client.query({
        query: `SELECT ${VERSION_SELECT}, toString(toUnixTimestamp64Micro(source_inserted_at)) AS source_us
                FROM ${orderTable(this.database, ORDER_TABLES.state)}
                WHERE site_id IN {sites:Array(String)} AND order_id IN {ids:Array(String)}
                ORDER BY version DESC LIMIT 1 BY site_id, order_id`,
        query_params: { sites: [...new Set(chunk.map((k) => k.site_id))], ids: [...new Set(chunk.map((k) => k.order_id))] },
        format: 'JSONEachRow',
      })
      for (const { source_us, ...raw } of await rs.json<Record<string, unknown>>()) {
        const row = { ...fromRaw(raw as never), source_inserted_at: Number(source_us) } as StateRow
        found.set(orderKey(row.site_id, row.order_id), row)
      }
    }
    return found
  }

  /** The ledger block; its views update orders_state and every rollup in the same insert. */
  async appendLedger(rows: LedgerRow[], token: string): Promise<void> {
    if (rows.length === 0) return
    await this.client.insert({
      table: orderTable(this.database, ORDER_TABLES.ledger),
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 },
    })
  }
}
