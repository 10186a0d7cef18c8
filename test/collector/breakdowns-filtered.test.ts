import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRows, prng } from '../support/rows.js'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'
import { BREAKDOWN_DIMS, breakdowns } from '../../collector/src/dashboard/queries/breakdowns.js'
import { breakdownsFiltered } from '../../collector/src/dashboard/queries/breakdowns-filtered.js'
import { parseViewParams, queryParams } from '../../collector/src/dashboard/params.js'
import { rangeShape } from '../../collector/src/dashboard/queries/range-shape.js'

// The filtered view's breakdowns (raw events, one GROUPING SETS pass) follow the rollup's
// rules for every breakdown: self-referrals are no source, the site's own host is no
// referrer, empty technology is `(unknown)`, a region carries its country, `engagement`
// is no custom event. With no filter, on whole UTC days, both answer the same rows.
let storage: Storage
let db: string
const DAY = 86_400_000

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-bdf-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  db = storage.database
  await migrate(storage.client, db)
  const r = prng(7)
  const names = ['signup', 'engagement', 'download']
  const rows = makeRows({ count: 6_000, sites: ['a'], visitors: 250, days: 20, seed: 3, from: Math.floor(Date.now() / DAY - 19) * DAY }).map((row, i) => {
    const x = r()
    if (row.type === 'track') return { ...row, name: names[i % names.length]! }
    if (x < 0.1) return { ...row, channel: 'internal', referrer_host: 'shop.example' }
    if (x < 0.15) return { ...row, referrer_host: 'shop.example', channel: 'referral' }
    if (x < 0.2) return { ...row, browser: '', os: '', device_type: '' }
    if (x < 0.25) return { ...row, utm_campaign: 'spring', utm_medium: 'email' }
    return row
  })
  for (let i = 0; i < rows.length; i += 2_000) await storage.client.insert({ table: `${db}.events`, values: rows.slice(i, i + 2_000), format: 'JSONEachRow' })
}, 60_000)

afterAll(async () => storage?.close())

const query = async (sql: string, params: Record<string, unknown>) =>
  (await storage.client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json<Record<string, unknown>>()

describe('filtered breakdowns', () => {
  it('answer what the rollups answer, breakdown by breakdown, with no filter', async () => {
    const view = parseViewParams(new URLSearchParams('period=30d'), 'a', 'UTC')
    const params = { ...queryParams(view, ['shop.example']), dims: BREAKDOWN_DIMS, limit: 50, candidates: 500 }
    const rollup = await query(breakdowns.sql(db, rangeShape(view)), params)
    const raw = await query(breakdownsFiltered.sql(db), params)
    expect(new Set(rollup.map((r) => r.dim))).toEqual(new Set(BREAKDOWN_DIMS))
    // the rules show in the data: an (unknown) browser, a region with its country, no own host, no engagement
    expect(rollup).toContainEqual(expect.objectContaining({ dim: 'browser', label: '(unknown)' }))
    expect(rollup).toContainEqual(expect.objectContaining({ dim: 'region', country_code: 'CN' }))
    expect(rollup.filter((r) => (r.dim === 'referrer' && r.label === 'shop.example') || (r.dim === 'event' && r.label === 'engagement'))).toEqual([])
    expect(raw).toEqual(rollup)
  }, 60_000)
})
