import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { migrate } from '../storage/migrate.js'
import { Metrics } from '../metrics/metrics.js'
import { createLogger } from '../logger.js'
import { insertOrderVersions, ORDER_ROWS_PER_INSERT } from './insert-order-versions.js'
import { OrderStore } from './order-store.js'
import type { OrderVersionRow } from './order-version.js'

// The writer's order inbox on the real engine. The applier pages the inbox by
// `inserted_at`, which is one value per insert: a round of more order versions than a
// page (a catch-up after an outage) must still arrive as several inserts, or the
// applier would read the same page for ever.
const engine = createClient({ connection: createChdbConnection({ path: mkdtempSync(join(tmpdir(), 'tally-order-inbox-')) }) } as Parameters<typeof createClient>[0])
beforeAll(() => migrate(engine, 'tally'), 60_000)
afterAll(() => engine.close())

const storage = { client: engine, readClient: engine, sql: undefined, mode: 'embedded' as const, database: 'tally', close: async () => {} }
const ctx = { storage, metrics: new Metrics(), logger: createLogger(false), signal: new AbortController().signal }

function version(i: number): OrderVersionRow {
  return {
    site_id: 'inbox', order_id: `o-${i}`, version: 1, event_id: crypto.randomUUID(), status: 'open', province: 'Zhejiang', cabinet: 'cab-1',
    started_at: Date.now(), ended_at: null, currency: 'CNY', price_per_hour: '0', amount: '0', orders: 1, revenue: '0', refunded: '0',
    content_hash: `h${i}`, props: {}, received_at: Date.now(),
  }
}

describe('the order inbox', () => {
  it('takes a round larger than a page as inserts no page can be filled by, so the applier always moves on', async () => {
    const pageSize = 20_000
    const rows = Array.from({ length: 2 * pageSize + 123 }, (_, i) => version(i))
    await insertOrderVersions(ctx, rows, crypto.randomUUID())
    const perInsert = await (await engine.query({ query: "SELECT inserted_at, count() AS n FROM tally.order_versions WHERE site_id = 'inbox' GROUP BY inserted_at", format: 'JSONEachRow' })).json<{ n: string }>()
    expect(perInsert.reduce((sum, r) => sum + Number(r.n), 0)).toBe(rows.length)
    expect(Math.max(...perInsert.map((r) => Number(r.n)))).toBeLessThanOrEqual(ORDER_ROWS_PER_INSERT)

    // Paging as the applier does reaches the last row.
    const store = new OrderStore(engine, 'tally')
    const seen = new Set<string>()
    let cursor = 0
    for (let round = 0; round < 50 && seen.size < rows.length; round++) {
      const page = (await store.versionsSince(cursor, pageSize)).filter((r) => r.site_id === 'inbox')
      for (const r of page) seen.add(r.event_id)
      cursor = Math.max(cursor, page.at(-1)?.inserted_at ?? cursor)
    }
    expect(seen.size).toBe(rows.length)
  }, 120_000)

  it('replays a round under the same tokens: nothing is stored twice', async () => {
    const rows = Array.from({ length: ORDER_ROWS_PER_INSERT + 10 }, (_, i) => ({ ...version(i), site_id: 'replay' }))
    const token = crypto.randomUUID()
    await insertOrderVersions(ctx, rows, token)
    await insertOrderVersions(ctx, rows, token)
    const [row] = await (await engine.query({ query: "SELECT count() AS n FROM tally.order_versions WHERE site_id = 'replay'", format: 'JSONEachRow' })).json<{ n: string }>()
    expect(Number(row?.n)).toBe(rows.length)
  }, 60_000)
})
