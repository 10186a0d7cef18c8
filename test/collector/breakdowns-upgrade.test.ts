import { cpSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeRows } from '../support/rows.js'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { MIGRATIONS_DIR, migrate, readMigrations } from '../../collector/src/storage/migrate.js'

// Migration 013 re-sorts the breakdown rollups of 011 (time before value) under new names
// and 014 drops the old tables. An install that has traffic in the old tables upgrades to
// the same numbers (also when 013 runs twice), and events after the upgrade reach the new
// tables only.
let storage: Storage
let db: string
const GRAINS = [['breakdown_hourly', 'breakdown_by_hour', 'hour'], ['breakdown_daily', 'breakdown_by_day', 'day'], ['breakdown_weekly', 'breakdown_by_week', 'week']] as const

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-upgrade-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  db = storage.database
}, 60_000)

afterAll(async () => storage?.close())

const rows = async (sql: string) => (await storage.client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, unknown>>()
/** One grain's content, merged: what any query over it can see. */
const content = (table: string, time: string) => rows(`
  SELECT toString(${time}) AS t, dim, value, parent, sum(pageviews) AS pv, sum(events) AS n,
         uniqCombinedMerge(14)(visitors) AS uv, uniqCombinedMerge(12)(visits) AS vs
  FROM ${db}.${table} GROUP BY t, dim, value, parent ORDER BY t, dim, value, parent`)

describe('upgrading the breakdown rollups (013, 014)', () => {
  it('keeps every number of the old tables, and new events reach only the new ones', async () => {
    const upTo012 = mkdtempSync(join(tmpdir(), 'tally-migrations-'))
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '013')) cpSync(join(MIGRATIONS_DIR, f), join(upTo012, f))
    await migrate(storage.client, db, upTo012)
    const events = makeRows({ count: 6_000, sites: ['a'], visitors: 200, days: 20, seed: 5 })
    for (let i = 0; i < 4_000; i += 2_000) await storage.client.insert({ table: `${db}.events`, values: events.slice(i, i + 2_000), format: 'JSONEachRow' })
    const before = await Promise.all(GRAINS.map(([old, , time]) => content(old, time)))
    expect(before[0]!.length).toBeGreaterThan(100)

    // 013 alone first, then once more as a migration cut short before it was recorded
    // re-runs it: its backfill's dedup token keeps every grain from counting twice.
    const upTo013 = mkdtempSync(join(tmpdir(), 'tally-migrations-'))
    for (const f of readdirSync(MIGRATIONS_DIR).filter((f) => f < '014')) cpSync(join(MIGRATIONS_DIR, f), join(upTo013, f))
    expect(await migrate(storage.client, db, upTo013)).toEqual(['013_breakdowns_by_time.sql'])
    for (const statement of readMigrations(db).find((m) => m.name === '013_breakdowns_by_time.sql')!.statements) {
      await storage.client.command({ query: statement })
    }
    expect((await migrate(storage.client, db))[0]).toBe('014_drop_value_first_breakdowns.sql')
    for (const [i, [, now, time]] of GRAINS.entries()) expect(await content(now, time)).toEqual(before[i])
    const left = await rows(`SELECT name FROM system.tables WHERE database = '${db}' AND name LIKE 'breakdown_%' ORDER BY name`)
    expect(left.map((r) => r.name)).toEqual(['breakdown_by_day', 'breakdown_by_day_mv', 'breakdown_by_hour', 'breakdown_by_hour_mv', 'breakdown_by_week', 'breakdown_by_week_mv'])

    // the rest of the traffic arrives after the upgrade: every grain equals a fresh install's
    await storage.client.insert({ table: `${db}.events`, values: events.slice(4_000), format: 'JSONEachRow' })
    const [day] = await rows(`SELECT sum(pageviews) AS pv FROM ${db}.breakdown_by_day WHERE dim = ''`)
    const [raw] = await rows(`SELECT countIf(type = 'pageview') AS pv FROM ${db}.events WHERE is_bot = 0`)
    expect(day).toEqual(raw)
    const [week] = await rows(`SELECT sum(pageviews) AS pv FROM ${db}.breakdown_by_week WHERE dim = ''`)
    expect(week).toEqual(raw)
  }, 120_000)
})
