import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { dataVersion } from '../../collector/src/dashboard/queries/data-version.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'
import type { TestOrder } from '../support/orders.js'
import { applyOrders } from '../support/orders-engine.js'
import { makeRows } from '../support/rows.js'

// The analytics page's change signal on the real embedded engine: the site's data
// version moves on every stored event (a late one with an old ts included) and every
// applied order change (a refund, a move to another province with the same money), read
// through the dashboard's read-only session; another site's data leaves it alone.
let storage: Storage
const db = 'tally'
const DAY = 86_400_000

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-version-')), clickhouse: {}, token: {}, spool: {}, writer: {}, orders: {}, sql: {}, sites: [{ id: 'test' }, { id: 'other' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, db)
})
afterAll(async () => storage?.close())

async function version(site = 'test'): Promise<string> {
  const rs = await storage.readClient.query({ query: dataVersion.sql(db), query_params: { site }, format: 'JSONEachRow' })
  return JSON.stringify(await rs.json())
}

async function insertEvent(site: string, ts: number, seed: number): Promise<void> {
  const [row] = makeRows({ count: 1, sites: [site], visitors: 1, days: 1, seed })
  await storage.client.insert({ table: `${db}.events`, values: [{ ...row!, ts, received_at: Date.now(), is_bot: 0, bot: '' }], format: 'JSONEachRow' })
}

const order = (version: number, o: Partial<TestOrder> = {}): TestOrder => ({
  id: 'o-1', version, status: 'completed', province: 'Guangdong', cabinet: 'cab-1', started_at: Date.now() - 3_600_000, amount: '100.00', currency: 'CNY', ...o,
})

it('moves on a new event, a late event of a past day, and not on another site’s event', async () => {
  const empty = await version()
  expect(JSON.parse(empty)).toEqual([{ events: '0', order_changes: '0' }])
  await insertEvent('test', Date.now(), 1)
  const afterNew = await version()
  expect(afterNew).not.toBe(empty)
  await insertEvent('test', Date.now() - 40 * DAY, 2) // arrives today, counts for a day long past
  const afterLate = await version()
  expect(afterLate).not.toBe(afterNew)
  await insertEvent('other', Date.now(), 3)
  expect(await version()).toBe(afterLate)
})

it('moves on every applied order change: a new order, a refund, a province move with the same money', async () => {
  let seen = await version()
  const steps: TestOrder[] = [order(1), order(2, { status: 'refunded', refunded: '40.00' }), order(3, { status: 'refunded', refunded: '40.00', province: 'Hainan' })]
  for (const step of steps) {
    await applyOrders(storage, db, 'test', [step])
    const now = await version()
    expect(now, `after version ${step.version}`).not.toBe(seen)
    seen = now
  }
  // an old version arriving late changes nothing on the page, and the version stays
  await applyOrders(storage, db, 'test', [order(2, { status: 'open' })])
  expect(await version()).toBe(seen)
})
