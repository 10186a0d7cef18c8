import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../config/schema.js'
import { openStorage, type Storage } from '../storage/client.js'
import { migrate } from '../storage/migrate.js'
import { SHARE_CACHE_MS, ShareStore } from './share-store.js'

// Two stores on one table stand for two collectors in server mode: a revocation made on
// one holds on the other within SHARE_CACHE_MS, and at once on the one that made it.
let storage: Storage

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-shares-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, storage.database)
}, 60_000)
afterAll(async () => {
  await storage?.close()
})

async function until(check: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  while (!(await check())) await new Promise((r) => setTimeout(r, 50))
  return Date.now() - start
}

it('a revocation on one collector holds on another within the cache bound', async () => {
  const here = new ShareStore(storage)
  const there = new ShareStore(storage)
  const { id, secret } = await here.create('a', 'tv')
  expect(await here.lookup(secret)).toBe('a')
  await until(async () => (await there.lookup(secret)) === 'a') // a new link reaches the other within the bound too
  expect(await there.lookup(`${secret}x`)).toBeUndefined()

  expect(await here.revoke(id)).toBe(true)
  expect(await here.lookup(secret)).toBeUndefined()
  const waited = await until(async () => (await there.lookup(secret)) === undefined)
  expect(waited).toBeLessThanOrEqual(SHARE_CACHE_MS + 1_000)
  expect(await here.revoke('sh_unknown')).toBe(false)
  expect((await there.list()).find((s) => s.id === id)).toMatchObject({ site: 'a', label: 'tv', revoked: true })
})
