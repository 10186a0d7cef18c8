import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'
import { EVENT_COLUMNS, type EventRow } from '../../collector/src/storage/rows.js'
import { makeRows } from '../support/rows.js'

// Rollups against raw events on the real embedded engine: the materialized views must
// give exactly what the same aggregate over `events` gives, for any data loaded.
let storage: Storage
const db = 'tally'
let rows: EventRow[]

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-rollups-')), clickhouse: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  expect(await migrate(storage.client, db)).toContain('001_events.sql')
  rows = makeRows({ count: 30_000, sites: ['a', 'b'], visitors: 3_000, days: 3, seed: 7 })
  // Several inserts, as the writer makes them: the rollups merge partial states.
  for (let i = 0; i < rows.length; i += 7_000) {
    await storage.client.insert({ table: `${db}.events`, values: rows.slice(i, i + 7_000), format: 'JSONEachRow' })
  }
})

afterAll(async () => storage?.close())

async function q<T>(query: string): Promise<T[]> {
  const rs = await storage.client.query({ query, format: 'JSONEachRow' })
  return rs.json<T>()
}

describe('rollups equal raw events', () => {
  it('PV and UV per site and hour', async () => {
    const fromRollup = await q(`SELECT site_id, hour, sum(pageviews) AS pv, uniqMerge(visitors) AS uv, sum(events) AS ev
      FROM ${db}.traffic_hourly GROUP BY site_id, hour ORDER BY site_id, hour`)
    const fromRaw = await q(`SELECT site_id, toStartOfHour(ts) AS hour, countIf(type = 'pageview') AS pv, uniq(visitor_id) AS uv, count() AS ev
      FROM ${db}.events WHERE is_bot = 0 GROUP BY site_id, hour ORDER BY site_id, hour`)
    expect(fromRollup.length).toBeGreaterThan(48)
    expect(fromRollup).toEqual(fromRaw)
  })

  it('PV and UV per site and day, and over the whole range', async () => {
    const fromRollup = await q(`SELECT site_id, day, sum(pageviews) AS pv, uniqMerge(visitors) AS uv FROM ${db}.traffic_daily GROUP BY site_id, day ORDER BY site_id, day`)
    const fromRaw = await q(`SELECT site_id, toDate(ts) AS day, countIf(type = 'pageview') AS pv, uniq(visitor_id) AS uv FROM ${db}.events WHERE is_bot = 0 GROUP BY site_id, day ORDER BY site_id, day`)
    expect(fromRollup).toEqual(fromRaw)
    const [total] = await q<{ pv: string; uv: string }>(`SELECT sum(pageviews) AS pv, uniqMerge(visitors) AS uv FROM ${db}.traffic_daily WHERE site_id = 'a'`)
    const expectedPv = rows.filter((r) => r.site_id === 'a' && r.type === 'pageview' && r.is_bot === 0).length
    const exactUv = new Set(rows.filter((r) => r.site_id === 'a' && r.is_bot === 0).map((r) => r.visitor_id)).size
    expect(Number(total!.pv)).toBe(expectedPv)
    expect(Number(total!.uv)).toBe(exactUv) // uniq() is exact below 65,536 distinct values
  })

  it('breakdowns by page, source, technology and country', async () => {
    const cases = [
      ['pages_daily', 'hostname, path'],
      ['sources_daily', 'channel, referrer_host, utm_source, utm_medium, utm_campaign'],
      ['tech_daily', 'browser, os, device_type'],
      ['geo_daily', 'country, region'],
    ] as const
    for (const [name, dims] of cases) {
      const fromRollup = await q(`SELECT site_id, day, ${dims}, sum(pageviews) AS pv, uniqMerge(visitors) AS uv FROM ${db}.${name} GROUP BY site_id, day, ${dims} ORDER BY ALL`)
      const fromRaw = await q(`SELECT site_id, toDate(ts) AS day, ${dims}, count() AS pv, uniq(visitor_id) AS uv FROM ${db}.events WHERE is_bot = 0 AND type = 'pageview' GROUP BY site_id, day, ${dims} ORDER BY ALL`)
      expect(fromRollup.length, name).toBeGreaterThan(5)
      expect(fromRollup, name).toEqual(fromRaw)
    }
  })

  it('visits, bounce rate and duration per day', async () => {
    const fromView = await q(`SELECT site_id, day, visits, bounces, avg_duration_s FROM ${db}.visits_daily ORDER BY site_id, day`)
    const fromRaw = await q(`SELECT site_id, day, count() AS visits, countIf(pv = 1) AS bounces, round(avg(dur) / 1000, 1) AS avg_duration_s FROM (
        SELECT site_id, toDate(ts) AS day, session_id, countIf(type = 'pageview') AS pv, dateDiff('millisecond', min(ts), max(ts)) AS dur
        FROM ${db}.events WHERE is_bot = 0 AND session_id != '' GROUP BY site_id, day, session_id) WHERE pv > 0 GROUP BY site_id, day ORDER BY site_id, day`)
    expect(fromView.length).toBeGreaterThan(0)
    expect(fromView).toEqual(fromRaw)
  })

  it('leaves bots out', async () => {
    const [bots] = await q<{ n: string }>(`SELECT count() AS n FROM ${db}.events WHERE is_bot = 1`)
    expect(Number(bots!.n)).toBeGreaterThan(0)
    const [all] = await q<{ pv: string }>(`SELECT sum(pageviews) AS pv FROM ${db}.traffic_daily`)
    expect(Number(all!.pv)).toBe(rows.filter((r) => r.type === 'pageview' && r.is_bot === 0).length)
  })

  it('bots_daily counts what the others leave out, per site, day and bot family', async () => {
    const fromRollup = await q(`SELECT site_id, day, bot, sum(events) AS ev, sum(pageviews) AS pv FROM ${db}.bots_daily GROUP BY ALL ORDER BY ALL`)
    const fromRaw = await q(`SELECT site_id, toDate(ts) AS day, bot, count() AS ev, countIf(type = 'pageview') AS pv FROM ${db}.events WHERE is_bot = 1 GROUP BY ALL ORDER BY ALL`)
    expect(fromRollup.length).toBeGreaterThan(10)
    expect(fromRollup).toEqual(fromRaw)
    const [googlebot] = await q<{ ev: string }>(`SELECT sum(events) AS ev FROM ${db}.bots_daily WHERE bot = 'googlebot'`)
    expect(Number(googlebot!.ev)).toBe(rows.filter((r) => r.bot === 'googlebot').length)
  })

  it('PV and UV by region (province) equal raw events', async () => {
    const fromRollup = await q(`SELECT region, sum(pageviews) AS pv, uniqMerge(visitors) AS uv FROM ${db}.geo_daily WHERE country = 'CN' GROUP BY region ORDER BY region`)
    const fromRaw = await q(`SELECT region, count() AS pv, uniq(visitor_id) AS uv FROM ${db}.events WHERE is_bot = 0 AND type = 'pageview' AND country = 'CN' GROUP BY region ORDER BY region`)
    expect(fromRollup.map((r) => (r as { region: string }).region)).toEqual(['Beijing', 'Guangdong', 'Zhejiang'])
    expect(fromRollup).toEqual(fromRaw)
  })

  it('the spool’s event tuple has exactly the columns of events', async () => {
    const columns = await q<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${db}' AND table = 'events'`)
    expect(columns.map((c) => c.name).sort()).toEqual([...EVENT_COLUMNS].sort())
  })

  it('re-running the migrator applies nothing', async () => {
    expect(await migrate(storage.client, db)).toEqual([])
  })
})
