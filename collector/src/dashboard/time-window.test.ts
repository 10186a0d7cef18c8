import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRows } from '../../../test/support/rows.js'
import { configSchema } from '../config/schema.js'
import { openStorage, type Storage } from '../storage/client.js'
import { migrate } from '../storage/migrate.js'
import { breakdowns } from './queries/breakdowns.js'
import { breakdownsFiltered } from './queries/breakdowns-filtered.js'
import { series } from './queries/series.js'
import { totals } from './queries/totals.js'
import { parseViewParams, queryParams } from './params.js'
import { EVERY_GRAIN, rangeShape, type RangeShape } from './queries/range-shape.js'

// The unfiltered panels read weeks, days and the hours at the ends of a range from three
// rollups (queries/time-window.ts). Over generated traffic spanning 45 days, for random
// ranges and time zones (with DST, and a half-hour one), every number must equal the same
// count over raw events: page views and custom events exactly, visitors exactly too
// (uniqCombined is exact for a few hundred distinct values, and this site has 300 visitors).
const DAY = 86_400_000
const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London', 'Pacific/Auckland', 'Asia/Kolkata']
let storage: Storage
let db: string

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-window-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  db = storage.database
  await migrate(storage.client, db)
  // Custom events with a few names, and `engagement` (no custom event) among them.
  const names = ['signup', 'download', 'engagement', 'add_to_cart']
  const rows = makeRows({ count: 24_000, sites: ['a'], visitors: 300, days: 45, seed: 11, from: Math.floor(Date.now() / DAY - 44) * DAY })
    .map((row, i) => (row.type === 'track' ? { ...row, name: names[i % names.length]! } : row))
  // Several inserts, as the writer makes them: every grain holds partial states to merge.
  for (let i = 0; i < rows.length; i += 5_000) {
    await storage.client.insert({ table: `${db}.events`, values: rows.slice(i, i + 5_000), format: 'JSONEachRow' })
  }
}, 60_000)

afterAll(async () => storage?.close())

const query = async <T>(sql: string, params: Record<string, unknown>) =>
  (await storage.readClient.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<T>()

/** Raw events in the same window: [local midnight of from, of to + 1), whole UTC hours for a :30 zone. */
const RAW_WINDOW = `site_id = 'a' AND is_bot = 0
  AND ts >= toStartOfHour(toTimeZone(toDateTime({from:Date}, {tz:String}), 'UTC'))
  AND ts < toStartOfHour(toTimeZone(toDateTime({to:Date} + 1, {tz:String}), 'UTC'))`

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe('a range read across weekly, daily and hourly rollups', () => {
  it('counts what raw events count, for any range and time zone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 44 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), async (tz, back, length, shaped) => {
        const to = dateOf(Date.now() - back * DAY)
        const from = dateOf(Date.parse(to) - (length - 1) * DAY)
        const view = parseViewParams(new URLSearchParams({ from, to, tz }), 'a', 'UTC')
        const params = queryParams(view, [])
        // as the route runs them (only the grains the range needs), or opening every grain
        const shape: RangeShape = shaped ? rangeShape(view) : EVERY_GRAIN
        const [got] = await query<Record<string, number>>(totals.sql(db, shape), params)
        const raw = async (p: Record<string, unknown>) =>
          (await query<{ pageviews: number; visitors: number }>(
            `SELECT countIf(type = 'pageview') AS pageviews, uniqExact(visitor_id) AS visitors FROM ${db}.events WHERE ${RAW_WINDOW}`, p))[0]!
        const [cur, prev] = [await raw(params), await raw({ ...params, from: view.prev_from, to: view.prev_to })]
        expect({ tz, from, to, pageviews: got!.pageviews, visitors: got!.visitors, prev_pageviews: got!.prev_pageviews, prev_visitors: got!.prev_visitors })
          .toEqual({ tz, from, to, ...cur, prev_pageviews: prev.pageviews, prev_visitors: prev.visitors })

        // Pages and countries count page views; custom events count events (not `engagement`),
        // with conversion = their visitors ÷ all visitors of the range.
        type Row = { dim: string; label: string; pageviews: number; events: number; visitors: number; conversion_rate: number }
        const pick = (rows: Row[]) => rows.filter((r) => r.dim !== '').map(({ dim, label, pageviews, events, visitors, conversion_rate }) =>
          dim === 'event' ? { dim, label, events, visitors, conversion_rate } : { dim, label, pageviews, visitors })
        const dims = { dims: ['', 'page', 'country', 'event'], limit: 10, candidates: 50 }
        const pages = await query<Row>(breakdowns.sql(db, shape), { ...params, ...dims })
        const rawPages = await query<Row>(
          `SELECT d.1 AS dim, d.2 AS label, countIf(type = 'pageview') AS pageviews, count() AS events, uniqExact(visitor_id) AS visitors,
                  round(visitors / (SELECT uniqExact(visitor_id) FROM ${db}.events WHERE ${RAW_WINDOW}), 4) AS conversion_rate
           FROM (SELECT visitor_id, type, arrayJoin(if(type = 'pageview', [('page', path), ('country', toString(country))],
                                                      if(name = 'engagement', [], [('event', toString(name))]))) AS d
                 FROM ${db}.events WHERE ${RAW_WINDOW})
           WHERE d.2 != '' GROUP BY d ORDER BY dim, visitors DESC, if(dim = 'event', events, pageviews) DESC, label LIMIT 10 BY dim`, params)
        expect(pick(pages)).toEqual(pick(rawPages))
        // The filtered view's query (raw events) with no filter answers the same, where the
        // rollups' hours cut the range exactly (not a :30 zone).
        if (tz !== 'Asia/Kolkata') expect(pick(await query<Row>(breakdownsFiltered.sql(db), { ...params, ...dims }))).toEqual(pick(rawPages))

        const buckets = await query<{ t: number; pageviews: number }>(series.sql(db, shape), params)
        const rawBuckets = await query<{ t: number; pageviews: number }>(
          `SELECT toUnixTimestamp(if({hourly:UInt8} = 1, toStartOfHour(toTimeZone(toStartOfHour(ts), {tz:String})), toStartOfDay(toTimeZone(toStartOfHour(ts), {tz:String})))) AS t,
                  countIf(type = 'pageview') AS pageviews
           FROM ${db}.events WHERE ${RAW_WINDOW} GROUP BY t ORDER BY t`, params)
        expect(buckets.map(({ t, pageviews }) => ({ t, pageviews }))).toEqual(rawBuckets)
      }),
      { numRuns: 60, seed: 20261201 },
    )
  }, 120_000)
})
