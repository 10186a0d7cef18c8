import { cpSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRows } from '../support/rows.js'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { MIGRATIONS_DIR, migrate } from '../../collector/src/storage/migrate.js'
import { analyticsPanels, runPanels } from '../../collector/src/dashboard/panels.js'
import { parseViewParams, queryParams } from '../../collector/src/dashboard/params.js'

// Migration 015 adds two projections to events (by page, by event name) for the filtered
// dashboard views. An install with traffic upgrades and shows the same filtered numbers;
// a page-filtered panel reads that page's rows, not the range's (the engine's rows_read);
// and every answer equals the main table's, read with projections turned off.
let storage: Storage
let db: string
const DAY = 86_400_000
const NAMES = ['signup', 'download', 'engagement']
const VIEWS = { page: 'period=30d&f.page=/pricing', goal: 'period=30d&f.event=signup', both: 'period=7d&f.page=/docs&f.country=CN' }

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-projections-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  db = storage.database
}, 60_000)

afterAll(async () => storage?.close())

// Settings go in the query text: on the embedded engine a call's clickhouse_settings are
// SET on the session, so the writer's client refuses any it does not reset
// (storage/embedded-settings.ts).
const MAIN_TABLE_ONLY = 'SETTINGS optimize_use_projections = 0'
/** The filtered view's panels that read events (live excepted: the last five minutes), and their parameters. */
const filteredView = (query: string) => ({
  plans: analyticsPanels(true).filter((p) => p.query.reads === 'events' && p.panel !== 'live'),
  params: queryParams(parseViewParams(new URLSearchParams(query), 'a', 'UTC'), ['shop.example']),
})
const filteredPage = async (query: string, settings = '') => {
  const { plans, params } = filteredView(query)
  const client = { query: (q: Parameters<Storage['client']['query']>[0]) => storage.client.query({ ...q, query: `${q.query} ${settings}` }) }
  return (await runPanels(client as Storage['client'], db, plans, params)).panels
}
/** What each filtered panel's query reads, in rows. */
const rowsRead = async (query: string) => {
  const { plans, params } = filteredView(query)
  return Object.fromEntries(await Promise.all(plans.map(async (p) => {
    const result = await storage.client.query({ query: p.query.sql(db), query_params: { ...params, ...p.params }, format: 'JSON' })
    return [p.panel, Number((await result.json()).statistics!.rows_read)] as const
  })))
}
/** The projections each active part of events has. */
const projectionsOfParts = async () =>
  (await (await storage.client.query({ query: `SELECT arraySort(projections) AS p FROM system.parts WHERE database = '${db}' AND table = 'events' AND active ORDER BY name`, format: 'JSONEachRow' })).json<{ p: string[] }>()).map((r) => r.p)
const events = makeRows({ count: 64_000, sites: ['a'], visitors: 400, days: 28, seed: 21, from: Math.floor(Date.now() / DAY - 27) * DAY })
  .map((row, i) => (row.type === 'track' ? { ...row, name: NAMES[i % NAMES.length]! } : row))

describe('events projections (015)', () => {
  it('upgrades an install with traffic to the same filtered numbers, read through the projections', async () => {
    const upTo014 = mkdtempSync(join(tmpdir(), 'tally-migrations-'))
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '015')) cpSync(join(MIGRATIONS_DIR, f), join(upTo014, f))
    await migrate(storage.client, db, upTo014)
    for (let i = 0; i < 48_000; i += 24_000) await storage.client.insert({ table: `${db}.events`, values: events.slice(i, i + 24_000), format: 'JSONEachRow' })
    // a visitor erased before the upgrade leaves deletion masks, which would keep the projections out of those parts
    await storage.client.command({ query: `DELETE FROM ${db}.events WHERE site_id = 'a' AND visitor_id = 'v7' SETTINGS mutations_sync = 2` })
    const scanned = await rowsRead(VIEWS.page)
    expect(Object.values(scanned).every((n) => n >= 40_000), JSON.stringify(scanned)).toBe(true)
    const before = Object.fromEntries(await Promise.all(Object.entries(VIEWS).map(async ([k, v]) => [k, await filteredPage(v)] as const)))
    expect(before.page!.totals).toEqual([expect.objectContaining({ pageviews: expect.any(Number) })])
    expect(Number((before.page!.totals![0] as { pageviews: string }).pageviews)).toBeGreaterThan(100)

    expect(await migrate(storage.client, db)).toContain('015_events_projections.sql')
    // the old parts get the projections in the background (a mutation)
    await expect.poll(async () => {
      const [left] = await (await storage.client.query({ query: `SELECT count() AS n FROM system.mutations WHERE database = '${db}' AND table = 'events' AND NOT is_done`, format: 'JSONEachRow' })).json<{ n: string }>()
      return Number(left!.n)
    }, { timeout: 60_000 }).toBe(0)
    for (const [k, v] of Object.entries(VIEWS)) expect(await filteredPage(v), k).toEqual(before[k])
    expect(await projectionsOfParts()).toEqual(new Array((await projectionsOfParts()).length).fill(['events_by_name', 'events_by_path']))
    // one page of five: its rows, in whole granules of 8,192
    const read = await rowsRead(VIEWS.page)
    expect(Object.values(read).every((n) => n <= 20_000), JSON.stringify(read)).toBe(true)
    // the goal filter's visitor set is read from the by-name projection: a fraction of a second read
    const goal = await rowsRead(VIEWS.goal)
    expect(goal.totals, JSON.stringify(goal)).toBeLessThan(48_000 * 1.5)
  }, 120_000)

  it('writes the projections with every insert: page and goal filters equal the main table', async () => {
    await storage.client.insert({ table: `${db}.events`, values: events.slice(48_000), format: 'JSONEachRow' })
    for (const v of Object.values(VIEWS)) {
      const main = await filteredPage(v, MAIN_TABLE_ONLY)
      expect(main.totals!.length).toBe(1)
      expect(await filteredPage(v)).toEqual(main)
    }
    const read = await rowsRead(VIEWS.page)
    expect(Object.values(read).every((n) => n <= 30_000), JSON.stringify(read)).toBe(true)
  }, 120_000)

  it('lets a lightweight DELETE through: no deleted row is counted, untouched parts keep their projections', async () => {
    const pageviews = async (s: string) => Number(((await filteredPage(VIEWS.page, s)).totals![0] as { pageviews: string }).pageviews)
    const before = await pageviews(MAIN_TABLE_ONLY)
    const [part] = await (await storage.client.query({ query: `SELECT name FROM system.parts WHERE database = '${db}' AND table = 'events' AND active ORDER BY rows DESC LIMIT 1`, format: 'JSONEachRow' })).json<{ name: string }>()
    await storage.client.command({ query: `DELETE FROM ${db}.events WHERE _part = '${part!.name}' AND site_id = 'a' AND path = '/pricing' AND visitor_id IN ('v1', 'v2', 'v3') SETTINGS mutations_sync = 2` })
    expect(await pageviews(MAIN_TABLE_ONLY)).toBeLessThan(before)
    expect(await filteredPage(VIEWS.page)).toEqual(await filteredPage(VIEWS.page, MAIN_TABLE_ONLY))
    const parts = await projectionsOfParts()
    expect(parts.filter((p) => p.length === 0)).toHaveLength(1)
    expect(parts.length).toBeGreaterThan(1)
  }, 60_000)
})
