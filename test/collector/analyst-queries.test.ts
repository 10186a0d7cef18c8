import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'
import type { TestOrder } from '../support/orders.js'
import { applyOrders } from '../support/orders-engine.js'

// examples/analyst-queries.sql, every query, on the embedded engine with a small dataset
// whose answers are worked out by hand below: a query that stops matching the schema,
// or starts answering wrongly, fails here.
const FILE = resolve(import.meta.dirname, '..', '..', 'examples', 'analyst-queries.sql')
const dataDir = mkdtempSync(join(tmpdir(), 'tally-analyst-'))
let storage: Storage
const DAY = 86_400_000
const D1 = Date.UTC(2026, 10, 23) // Monday 23 November 2026
const TODAY = Math.floor(Date.now() / DAY) * DAY
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

/** The file's queries by name (`-- name: x` opens each; the statement ends with `;`). */
function queries(): Map<string, string> {
  const text = readFileSync(FILE, 'utf8')
  return new Map([...text.matchAll(/^-- name: (\w+)\n([\s\S]*?);\s*$/gm)].map((m) => [m[1]!, m[2]!]))
}

async function run(name: string, params: Record<string, string>): Promise<Record<string, unknown>[]> {
  const query = queries().get(name)
  if (!query) throw new Error(`no query ${name} in ${FILE}`)
  // The setting in the SQL: on the embedded client a per-call one would stay set (storage/embedded-settings.ts).
  return (await storage.client.query({ query: `${query}\nSETTINGS output_format_json_quote_64bit_integers = 0`, query_params: params, format: 'JSONEachRow' })).json()
}

function view(site: string, visitor: string, path: string, at: number, bot = 0) {
  return { site_id: site, ts: at, received_at: at, id: crypto.randomUUID(), type: 'pageview', name: 'pageview', visitor_id: visitor, session_id: `${visitor}-s`, url: `https://shop.example${path}`, hostname: 'shop.example', path, is_bot: bot }
}
const at = (day: number, h: number, m = 0) => day + h * 3_600_000 + m * 60_000

const order = (o: Partial<TestOrder> & Pick<TestOrder, 'id' | 'status' | 'province' | 'cabinet'>): TestOrder => ({ version: 1, started_at: at(TODAY, 0, 5), currency: 'CNY', ...o })

beforeAll(async () => {
  const config = configSchema.parse({ dataDir, clickhouse: {}, token: {}, spool: {}, writer: {}, orders: {}, sql: {}, sites: [{ id: 'shop' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, 'tally')
  const D2 = D1 + DAY
  await storage.client.insert({
    table: 'tally.events',
    format: 'JSONEachRow',
    values: [
      view('shop', 'v1', '/', at(D1, 10)),
      view('shop', 'v1', '/pricing', at(D1, 10, 1)),
      view('shop', 'v2', '/', at(D1, 11)),
      view('shop', 'v3', '/pricing', at(D1, 12)), // the funnel's steps in the wrong order
      view('shop', 'v3', '/', at(D1, 12, 5)),
      view('shop', 'bot', '/', at(D1, 13), 1), // a bot: counted nowhere
      view('shop', 'v1', '/', at(D2, 9)),
      view('shop', 'v4', '/docs', at(D2, 9, 30)),
      view('shop', 'v4', '/', at(D2, 9, 31)),
      view('shop', 'v4', '/pricing', at(D2, 9, 32)),
      view('other', 'v9', '/', at(D1, 10)), // another site
    ],
  })
  // This week's orders (today, UTC), and one of last week; each through its versions.
  await applyOrders(storage, 'tally', 'shop', [
    order({ id: 'o1', status: 'open', province: 'Zhejiang', cabinet: 'cab-1' }),
    order({ id: 'o2', status: 'open', province: 'Zhejiang', cabinet: 'cab-2' }),
    order({ id: 'o6', status: 'completed', province: 'Zhejiang', cabinet: 'cab-1', amount: '100' }),
    order({ id: 'o7', status: 'completed', province: 'Zhejiang', cabinet: 'cab-1', amount: '50', started_at: at(TODAY - 7 * DAY, 8) }),
  ])
  await applyOrders(storage, 'tally', 'shop', [
    order({ id: 'o1', version: 2, status: 'completed', province: 'Zhejiang', cabinet: 'cab-1', amount: '10' }),
    order({ id: 'o2', version: 2, status: 'completed', province: 'Zhejiang', cabinet: 'cab-2', amount: '20', refunded: '5' }), // partial refund
    order({ id: 'o3', status: 'refunded', province: 'Hubei', cabinet: 'cab-3', amount: '8' }), // full refund
    order({ id: 'o4', status: 'open', province: 'Hubei', cabinet: 'cab-3' }),
    order({ id: 'o5', status: 'cancelled', province: 'Hubei', cabinet: 'cab-4' }),
    order({ id: 'o6', version: 2, status: 'deleted', province: 'Zhejiang', cabinet: 'cab-1' }),
    order({ id: 'o8', status: 'completed', province: 'Hubei', cabinet: 'cab-3', amount: '1500', currency: 'JPY' }),
  ])
  await applyOrders(storage, 'tally', 'other', [order({ id: 'x1', status: 'completed', province: 'Hubei', cabinet: 'cab-3', amount: '999' })]) // another site
}, 60_000)

afterAll(async () => {
  await storage?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const days = { site: 'shop', from: iso(D1), to: iso(D1 + DAY) }
const thisAndLastWeek = { site: 'shop', currency: 'CNY', from: iso(TODAY - 7 * DAY), to: iso(TODAY) }

describe('examples/analyst-queries.sql', () => {
  it('holds the six questions', () => {
    expect([...queries().keys()]).toEqual(['daily_pv_uv', 'top_pages', 'two_step_funnel', 'revenue_by_province_this_week', 'top_cabinets', 'refunds_by_day'])
  })

  it('daily PV/UV', async () => {
    expect(await run('daily_pv_uv', days)).toEqual([
      { day: '2026-11-23', pageviews: 5, visitors: 3 },
      { day: '2026-11-24', pageviews: 4, visitors: 2 },
    ])
  })

  it('top pages', async () => {
    expect(await run('top_pages', days)).toEqual([
      { path: '/', pageviews: 5, visitors: 4 },
      { path: '/pricing', pageviews: 3, visitors: 3 },
      { path: '/docs', pageviews: 1, visitors: 1 },
    ])
  })

  it('a two-step funnel', async () => {
    expect(await run('two_step_funnel', { ...days, step1: '/', step2: '/pricing' })).toEqual([{ step1_visitors: 4, step2_visitors: 2, conversion: 0.5 }])
  })

  it('revenue by province this week', async () => {
    expect(await run('revenue_by_province_this_week', { site: 'shop', currency: 'CNY' })).toEqual([
      { province: 'Zhejiang', revenue: 25, orders: 2, refunded: 5 },
      { province: 'Hubei', revenue: 0, orders: 2, refunded: 8 },
    ])
    expect(await run('revenue_by_province_this_week', { site: 'shop', currency: 'JPY' })).toEqual([{ province: 'Hubei', revenue: 1500, orders: 1, refunded: 0 }])
  })

  it('top cabinets', async () => {
    expect(await run('top_cabinets', thisAndLastWeek)).toEqual([
      { province: 'Zhejiang', cabinet: 'cab-1', revenue: 60, orders: 2 },
      { province: 'Zhejiang', cabinet: 'cab-2', revenue: 15, orders: 1 },
      { province: 'Hubei', cabinet: 'cab-3', revenue: 0, orders: 2 },
    ])
  })

  it('refunds by day', async () => {
    expect(await run('refunds_by_day', thisAndLastWeek)).toEqual([{ day: iso(TODAY), currency: 'CNY', refunded: 13, revenue: 25 }])
  })
})
