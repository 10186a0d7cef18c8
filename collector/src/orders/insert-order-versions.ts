import type { Storage } from '../storage/client.js'
import type { OrderVersionRow } from './order-version.js'
import { ORDER_TABLES, orderTable } from './order-tables.js'

/**
 * The writer's part for orders: the round's order versions into `order_versions`, with a
 * deduplication token derived from the round's journalled token, so a replay after a
 * crash is recognised. Nothing is decided here; the applier reads them in order.
 */
export async function insertOrderVersions(storage: Storage, rows: OrderVersionRow[], roundToken: string): Promise<void> {
  if (rows.length === 0) return
  await storage.client.insert({
    table: orderTable(storage.database, ORDER_TABLES.versions),
    values: rows,
    format: 'JSONEachRow',
    clickhouse_settings: { insert_deduplication_token: `${roundToken}:orders`, deduplicate_blocks_in_dependent_materialized_views: 1 },
  })
}
