import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { analyticsPanels, runPanels } from '../../collector/src/dashboard/panels.js'
import { screenPanels } from '../../collector/src/dashboard/screen-panels.js'
import { parseViewParams, queryParams } from '../../collector/src/dashboard/params.js'
import { rangeShape } from '../../collector/src/dashboard/queries/range-shape.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'

// The dashboard's read sessions on the embedded engine (storage/read-pool.ts), on the real
// engine: values written into the SQL arrive as they were given, reads run side by side,
// every session refuses writes, and the dashboard's answers are the ones the engine's own
// parameter binding gives.
let storage: Storage
const db = 'tally'
const DAY = 86_400_000
/** Page paths a hostile page could report: quotes, backslashes, a placeholder, a newline. */
const PATHS = ['/', "/o'brien", '/back\\slash', '/not\\na-newline', '/ends\\', '/{f_page:Array(String)}', '/two\nlines', '/中文']

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-reads-')), clickhouse: { readSessions: 3 }, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, db)
  // 20 k events over the 10 days up to now; every rollup fills from them.
  await storage.client.command({
    query: `INSERT INTO ${db}.events (site_id, ts, received_at, id, type, name, visitor_id, session_id, url, hostname, path, referrer_host, channel,
              browser, os, device_type, country, is_bot, source)
            SELECT 'a', fromUnixTimestamp64Milli(toInt64({now:Int64} - (number * 7919 * 997) % (10 * ${DAY}))) AS ts, ts, generateUUIDv4(number),
                   if(number % 10 = 0, 'track', 'pageview'), if(number % 10 = 0, 'signup', 'pageview'),
                   concat('v', toString(number % 3000)), concat('s', toString(intDiv(number, 3))),
                   'https://shop.example/', 'shop.example', {paths:Array(String)}[number % ${PATHS.length} + 1],
                   ['', 'google.com'][number % 2 + 1], ['direct', 'search'][number % 2 + 1],
                   ['Chrome', 'Safari'][number % 2 + 1], ['Windows', 'iOS'][number % 2 + 1], ['desktop', 'mobile'][number % 2 + 1],
                   ['CN', 'US', 'DE'][number % 3 + 1], 0, 'browser'
            FROM numbers(20000)`,
    query_params: { now: Date.now() - 1_000, paths: PATHS },
  })
}, 60_000)
afterAll(async () => storage?.close())

it('gives the engine every value as it was given', async () => {
  const read = async (params: Record<string, unknown>) =>
    (await (await storage.readClient.query({ query: 'SELECT {s:String} AS s, {a:Array(String)} AS a, {n:UInt32} AS n, {d:Date} AS d', query_params: params, format: 'JSONEachRow' })).json<Record<string, unknown>>())[0]
  // any code point, and often one of those that mean something inside a literal
  const char = fc.oneof(fc.constantFrom("'", '\\', '\\n', '\n', '\0', '\t', '{', '}', ':', '"', '`', ')', ';', '-'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }))
  const text = fc.string({ unit: char, maxLength: 24 })
  await fc.assert(
    fc.asyncProperty(
      text, fc.array(text, { maxLength: 4 }), fc.nat({ max: 4_294_967_295 }),
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
      async (s, a, n, date) => {
        const d = date.toISOString().slice(0, 10)
        expect(await read({ s, a, n, d })).toEqual({ s, a, n, d })
      },
    ),
    { numRuns: 150 },
  )
})

it('answers a read while another is still running', async () => {
  let slowDone = false
  const slow = storage.readClient.query({ query: 'SELECT sleep(1.5) AS slept', format: 'JSONEachRow' }).then(() => (slowDone = true))
  const quick = await (await storage.readClient.query({ query: 'SELECT 1 AS one', format: 'JSONEachRow' })).json()
  expect(quick).toEqual([{ one: 1 }])
  expect(slowDone).toBe(false) // one session would have run the quick read after the slow one
  await slow
})

it('never holds the writer\'s parameterized calls behind a read', async () => {
  // chDB chains every call with bound parameters process-wide; the read sessions bind none
  let readDone = false
  const read = storage.readClient.query({ query: 'SELECT sleep(1.5) AS slept, {n:UInt8} AS n', query_params: { n: 1 }, format: 'JSONEachRow' }).then(() => (readDone = true))
  await new Promise((r) => setImmediate(r))
  const lookup = await (await storage.client.query({ query: 'SELECT {n:UInt8} AS n', query_params: { n: 2 }, format: 'JSONEachRow' })).json()
  expect(lookup).toEqual([{ n: 2 }])
  expect(readDone).toBe(false)
  await read
})

it('refuses writes on every read session', async () => {
  // three at once: each takes its own session
  const writes = [1, 2, 3].map((i) => storage.readClient.query({ query: `CREATE TABLE ${db}.nope_${i} (x UInt8) ENGINE = Memory`, format: 'JSONEachRow' }))
  const settled = await Promise.allSettled(writes)
  expect(settled.map((s) => (s.status === 'rejected' ? (s.reason as { type?: string }).type : s.status))).toEqual(['READONLY', 'READONLY', 'READONLY'])
})

it('answers every panel as the engine\'s parameter binding does, for hostile filter values too', async () => {
  for (const query of ['period=today', 'period=7d', 'period=30d&tz=Asia/Kolkata', `period=7d${PATHS.slice(1, 5).map((p) => `&f.page=${encodeURIComponent(p)}`).join('')}`,
    `period=7d&f.page=${encodeURIComponent('/{f_page:Array(String)}')}`, 'period=7d&f.country=CN', 'period=7d&f.event=signup']) {
    const view = parseViewParams(new URLSearchParams(query), 'a', 'UTC')
    const params = queryParams(view, ['shop.example'])
    for (const plans of [analyticsPanels(view.eventFiltered), screenPanels()]) {
      const inlined = await runPanels(storage.readClient, db, plans, params, rangeShape(view))
      const bound = await runPanels(storage.client, db, plans, params, rangeShape(view)) // the writer's session binds its parameters
      expect(JSON.stringify(inlined), query).toBe(JSON.stringify(bound))
    }
  }
  // the filters did filter: a hostile page has its own rows
  const view = parseViewParams(new URLSearchParams(`period=7d&f.page=${encodeURIComponent("/o'brien")}`), 'a', 'UTC')
  const { panels } = await runPanels(storage.readClient, db, analyticsPanels(true), queryParams(view, []), rangeShape(view))
  expect(panels.pages!.map((r) => (r as { label: string }).label)).toEqual(["/o'brien"])
})
