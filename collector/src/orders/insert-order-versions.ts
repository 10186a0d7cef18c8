import { LIMITS } from '../protocol/limits.js'
import type { RejectedRow } from '../storage/rows.js'
import { engineErrorType, errorMessage } from '../writer/classify-error.js'
import { insertIsolating, ONE_BLOCK_SETTINGS } from '../writer/insert-block.js'
import { storeRejected, type StoreContext } from '../writer/store-round.js'
import type { OrderVersionRow } from './order-version.js'
import { ORDER_TABLES, orderTable } from './order-tables.js'

/**
 * Order versions per insert. All rows of one insert share `inserted_at` (its default),
 * and the applier pages the inbox by `inserted_at` 20,000 rows at a time: a page must
 * never be filled by one insert alone, or the applier could not move past it.
 */
export const ORDER_ROWS_PER_INSERT = 5_000

/**
 * The writer's part for orders: the round's order versions into `order_versions`, in
 * inserts of at most ORDER_ROWS_PER_INSERT rows, each with a deduplication token derived
 * from the round's journalled token, so a replay after a crash is recognised. A row the
 * engine refuses is isolated (bisected, as for events) and kept in `rejected_events`
 * with the engine's message; it never holds the others up. Nothing is decided here;
 * the applier reads the inbox in order.
 */
export async function insertOrderVersions(ctx: StoreContext, rows: OrderVersionRow[], roundToken: string): Promise<void> {
  const { storage } = ctx
  for (let i = 0; i * ORDER_ROWS_PER_INSERT < rows.length; i++) {
    const token = `${roundToken}:orders:${i}`
    const refused = await insertIsolating({
      rows: rows.slice(i * ORDER_ROWS_PER_INSERT, (i + 1) * ORDER_ROWS_PER_INSERT),
      token,
      insert: async (values, t) => {
        await storage.client.insert({
          table: orderTable(storage.database, ORDER_TABLES.versions),
          values,
          format: 'JSONEachRow',
          clickhouse_settings: { ...ONE_BLOCK_SETTINGS, insert_deduplication_token: t, deduplicate_blocks_in_dependent_materialized_views: 1 },
          abort_signal: ctx.signal,
        })
      },
    })
    const quarantined = refused.map(({ row, error }): RejectedRow => ({
      site_id: row.site_id,
      received_at: Date.now(),
      reason: `engine:${engineErrorType(error)}`,
      message: errorMessage(error).slice(0, 2_000),
      payload: JSON.stringify(row).slice(0, LIMITS.bytesPerEvent),
    }))
    for (const row of quarantined) ctx.metrics.quarantined(row.reason)
    if (quarantined.length > 0) ctx.logger.warn('order versions refused by ClickHouse, quarantined in rejected_events', { count: quarantined.length, message: quarantined[0]!.message })
    await storeRejected(ctx, quarantined, `${token}:quarantined`)
  }
}
