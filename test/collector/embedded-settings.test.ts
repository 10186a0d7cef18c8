import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { ONE_BLOCK_SETTINGS } from '../../collector/src/writer/insert-block.js'

// On the embedded engine a call's settings are SET on the client's session. The writer's
// client must not let them outlive the call: an insert after a tokened one is not taken
// for a repeat, a one-block insert leaves the block sizes as they were, and a setting
// nobody resets is refused before it runs.
let storage: Storage

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-settings-')), clickhouse: {}, token: {}, spool: {}, writer: {}, orders: {}, sql: {}, sites: [{ id: 'test' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await storage.client.command({ query: 'CREATE DATABASE IF NOT EXISTS probe' })
  for (const t of ['tokened', 'plain']) {
    await storage.client.command({ query: `CREATE TABLE probe.${t} (k String) ENGINE = MergeTree ORDER BY k SETTINGS non_replicated_deduplication_window = 100` })
  }
})
afterAll(async () => storage?.close())

const setting = async (name: string) =>
  (await (await storage.client.query({ query: 'SELECT toString(getSetting({name:String})) AS v', query_params: { name }, format: 'JSONEachRow' })).json<{ v: string }>())[0]!.v

const count = async (table: string, where = '1') =>
  Number((await (await storage.client.query({ query: `SELECT count() AS n FROM ${table} WHERE ${where}`, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n)

it('keeps two untokened inserts after a tokened one, and the block sizes as they were', async () => {
  const before = await setting('max_insert_block_size')
  await storage.client.insert({
    table: 'probe.tokened',
    values: [{ k: 'a' }],
    format: 'JSONEachRow',
    clickhouse_settings: { ...ONE_BLOCK_SETTINGS, insert_deduplication_token: 'round-1', deduplicate_blocks_in_dependent_materialized_views: 1 },
  })
  // two different rows, no token: neither is a repeat of anything
  await storage.client.insert({ table: 'probe.plain', values: [{ k: 'first' }], format: 'JSONEachRow' })
  await storage.client.insert({ table: 'probe.plain', values: [{ k: 'second' }], format: 'JSONEachRow' })
  const rows = await (await storage.client.query({ query: 'SELECT k FROM probe.plain ORDER BY k', format: 'JSONEachRow' })).json()
  expect(rows).toEqual([{ k: 'first' }, { k: 'second' }])
  expect(await setting('insert_deduplication_token')).toBe('')
  expect(await setting('max_insert_block_size')).toBe(before)
  expect(before).not.toBe(ONE_BLOCK_SETTINGS.max_insert_block_size)
  // the token still works for the call that carries it: a replay of round-1 is dropped
  await storage.client.insert({ table: 'probe.tokened', values: [{ k: 'a' }], format: 'JSONEachRow', clickhouse_settings: { insert_deduplication_token: 'round-1' } })
  expect(await count('probe.tokened')).toBe(1)
})

it('refuses a setting it does not reset, and runs nothing', async () => {
  const refused = await storage.client
    .insert({ table: 'probe.plain', values: [{ k: 'third' }], format: 'JSONEachRow', clickhouse_settings: { max_block_size: '12345' } })
    .catch((e: unknown) => e)
  expect(refused).toMatchObject({ code: 'ERR_UNLISTED_SETTING' })
  expect(await setting('max_block_size')).not.toBe('12345')
  expect(await count('probe.plain', "k = 'third'")).toBe(0)
})
