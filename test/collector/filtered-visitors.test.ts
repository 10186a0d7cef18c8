import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'
import { parseViewParams, queryParams } from '../../collector/src/dashboard/params.js'
import { rangeShape } from '../../collector/src/dashboard/queries/range-shape.js'
import { totals } from '../../collector/src/dashboard/queries/totals.js'
import { totalsFiltered } from '../../collector/src/dashboard/queries/totals-filtered.js'
import { series } from '../../collector/src/dashboard/queries/series.js'
import { seriesFiltered } from '../../collector/src/dashboard/queries/series-filtered.js'
import { BREAKDOWN_DIMS, breakdowns } from '../../collector/src/dashboard/queries/breakdowns.js'
import { breakdownsFiltered } from '../../collector/src/dashboard/queries/breakdowns-filtered.js'

// A filtered view counts visitors and visits as the rollups do: with a filter that keeps
// every event, the raw-events queries say what the rollup queries say, on data past the
// estimators' exact range (20 k visitors), so a number stays the same when its row is
// clicked into a filter.
let storage: Storage
const db = 'tally'
const DAY = 86_400_000
const COUNTRIES = ['CN', 'US', 'DE']

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-fvis-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, db)
  // 60 k events over the 10 whole UTC days before today; the views fill every rollup.
  await storage.client.command({
    query: `INSERT INTO ${db}.events (site_id, ts, received_at, id, type, name, visitor_id, session_id, url, hostname, path, referrer_host, channel,
              browser, os, device_type, country, is_bot, source)
            SELECT 'a', fromUnixTimestamp64Milli(toInt64({from:Int64} + (number * 7919 * 997) % (10 * ${DAY}))) AS ts, ts, generateUUIDv4(number),
                   if(number % 10 = 0, 'track', 'pageview'), if(number % 10 = 0, 'signup', 'pageview'),
                   concat('v', toString(number % 20000)), concat('s', toString(intDiv(number, 3))),
                   'https://shop.example/', 'shop.example', concat('/p', toString(number % 7)),
                   ['', 'google.com'][number % 2 + 1], ['direct', 'search'][number % 2 + 1],
                   ['Chrome', 'Safari'][number % 2 + 1], ['Windows', 'iOS'][number % 2 + 1], ['desktop', 'mobile'][number % 2 + 1],
                   {countries:Array(String)}[number % 3 + 1], 0, 'browser'
            FROM numbers(60000)`,
    query_params: { from: (Math.floor(Date.now() / DAY) - 10) * DAY, countries: COUNTRIES },
  })
}, 60_000)
afterAll(async () => storage?.close())

const rows = async (sql: string, params: Record<string, unknown>) =>
  (await storage.readClient.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<Record<string, unknown>>()

it('counts visitors and visits as the rollups count them', async () => {
  const view = parseViewParams(new URLSearchParams('period=30d'), 'a', 'UTC')
  const shape = rangeShape(view)
  const unfiltered = queryParams(view, [])
  const everyCountry = queryParams(parseViewParams(new URLSearchParams([['period', '30d'], ...COUNTRIES.map((c) => ['f.country', c])]), 'a', 'UTC'), [])
  expect(everyCountry.f_country).toEqual(COUNTRIES)

  const [rollup] = await rows(totals.sql(db, shape), unfiltered)
  const [exact] = await rows(`SELECT uniqExact(visitor_id) AS visitors, uniqExact(session_id) AS visits FROM ${db}.events`, {})
  // past the exact range: an estimator of its own would show here
  expect(Number(exact!.visitors)).toBe(20_000)
  expect(Number(rollup!.visitors)).not.toBe(20_000)
  expect(Number(rollup!.visits)).not.toBe(Number(exact!.visits))
  expect(await rows(totalsFiltered.sql(db), everyCountry)).toEqual([rollup])

  const numbers = (list: Record<string, unknown>[]) => list.map(({ t, pageviews, visitors, visits }) => ({ t, pageviews, visitors, visits }))
  const chart = numbers(await rows(series.sql(db, shape), unfiltered))
  expect(chart.length).toBeGreaterThanOrEqual(10)
  expect(numbers(await rows(seriesFiltered.sql(db), everyCountry)).filter((p) => Number(p.pageviews) > 0)).toEqual(chart.filter((p) => Number(p.pageviews) > 0))

  const params = { dims: BREAKDOWN_DIMS, limit: 50, candidates: 500 }
  expect(await rows(breakdownsFiltered.sql(db), { ...everyCountry, ...params })).toEqual(await rows(breakdowns.sql(db, shape), { ...unfiltered, ...params }))
}, 60_000)
