import type { Storage } from '../../collector/src/storage/client.js'
import { OrderStore } from '../../collector/src/orders/order-store.js'
import { planLedger } from '../../collector/src/orders/plan-ledger.js'
import { toOrderVersion } from '../../collector/src/orders/order-version.js'
import type { TestOrder } from './orders.js'

/**
 * Order versions applied on an engine opened in the test's own process, with the
 * collector's own code (rules, ledger plan, insert), as the applier would: for tests that
 * need orders in the tables without a collector process.
 */
export async function applyOrders(storage: Storage, database: string, site: string, list: TestOrder[]): Promise<void> {
  const store = new OrderStore(storage.client, database)
  const rows = list.map((o, i) => {
    const row = toOrderVersion({ id: crypto.randomUUID(), type: 'order', ts: 0, order: o } as never, site, Date.now())
    if ('reason' in row) throw new Error(`${o.id}: ${row.message}`)
    return { ...row, inserted_at: Date.now() * 1000 + i }
  })
  const states = await store.states(rows.map((r) => ({ site_id: r.site_id, order_id: r.order_id })))
  await store.appendLedger(planLedger(rows, states).rows, crypto.randomUUID())
}
