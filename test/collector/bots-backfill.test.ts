import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate, readMigrations } from '../../collector/src/storage/migrate.js'
import { makeRows } from '../support/rows.js'

// Migration 007 on a database that already holds events: stored bots are backfilled
// into bots_daily as '(unrecorded)', new ones are counted by the view, none twice,
// even when the migration is cut short and runs again.
let storage: Storage
const db = 'tally'

async function q<T>(query: string): Promise<T[]> {
  return (await storage.client.query({ query, format: 'JSONEachRow' })).json<T>()
}

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-bots-')), clickhouse: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await storage.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db} ENGINE = Atomic` })
  const migrations = readMigrations(db)
  for (const m of migrations.filter((m) => m.name < '007')) for (const statement of m.statements) await storage.client.command({ query: statement })
  // Events stored before 007: the events table has no bot column yet.
  const old = makeRows({ count: 4_000, sites: ['a', 'b'], visitors: 500, days: 3, seed: 3 }).map(({ bot: _bot, ...row }) => row)
  await storage.client.insert({ table: `${db}.events`, values: old, format: 'JSONEachRow' })
  // 007 cut short after its backfill landed, then the migrator runs it (and the rest) again.
  for (const statement of migrations.find((m) => m.name.startsWith('007'))!.statements) await storage.client.command({ query: statement })
  await migrate(storage.client, db)
  // After the upgrade: new events with a family, and events replayed from a version 1 spool (bot '').
  const fresh = makeRows({ count: 4_000, sites: ['a', 'b'], visitors: 500, days: 3, seed: 4 })
  const replayed = makeRows({ count: 1_000, sites: ['a'], visitors: 100, days: 3, seed: 5 }).map((r) => ({ ...r, bot: '' }))
  await storage.client.insert({ table: `${db}.events`, values: [...fresh, ...replayed], format: 'JSONEachRow' })
})

afterAll(async () => storage?.close())

describe('bots_daily after migrating a database with events', () => {
  it('equals the raw bot events, old ones counted once as (unrecorded)', async () => {
    const fromRollup = await q(`SELECT site_id, day, bot, sum(events) AS ev, sum(pageviews) AS pv FROM ${db}.bots_daily GROUP BY ALL ORDER BY ALL`)
    const fromRaw = await q(`SELECT site_id, day, family AS bot, ev, pv FROM (
        SELECT site_id, toDate(ts) AS day, if(bot = '', '(unrecorded)', bot) AS family, count() AS ev, countIf(type = 'pageview') AS pv
        FROM ${db}.events WHERE is_bot = 1 GROUP BY site_id, day, family) ORDER BY ALL`)
    expect(fromRollup.length).toBeGreaterThan(10)
    expect(fromRollup).toEqual(fromRaw)
    const [unrecorded] = await q<{ n: string }>(`SELECT sum(events) AS n FROM ${db}.bots_daily WHERE bot = '(unrecorded)'`)
    const [raw] = await q<{ n: string }>(`SELECT count() AS n FROM ${db}.events WHERE is_bot = 1 AND bot IN ('', '(unrecorded)')`)
    expect(Number(unrecorded!.n)).toBe(Number(raw!.n))
    expect(Number(raw!.n)).toBeGreaterThan(0)
  })

  it('people read bot = "" in old rows', async () => {
    const [people] = await q<{ n: string }>(`SELECT countIf(bot != '') AS n FROM ${db}.events WHERE is_bot = 0`)
    expect(Number(people!.n)).toBe(0)
  })
})
