import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../config/schema.js'

/** Which engine a client talks to: chDB in this process, or a ClickHouse server. */
export type StorageMode = 'embedded' | 'server'

export interface Storage {
  client: ClickHouseClient
  /**
   * For analysts' and the dashboard's queries. Embedded: a second chDB session on the
   * same folder with `readonly = 1` set for good (no writes, no table functions such as
   * file() or url(), and it cannot be unset). Server: the same client; `/v1/sql` adds
   * `readonly = 2` per query, and a read-only ClickHouse user is still the better guard.
   */
  readClient: ClickHouseClient
  mode: StorageMode
  /** The database holding Tally's tables. */
  database: string
  close(): Promise<void>
}

/**
 * One client API for both engines (see DESIGN.md, "one client, two engines").
 * Embedded: chDB under `<dataDir>/clickhouse`; a folder is held by one process at a time.
 */
export async function openStorage(config: Config): Promise<Storage> {
  const { clickhouse } = config
  if (clickhouse.url) {
    const client = createClient({
      url: clickhouse.url,
      username: clickhouse.user,
      password: clickhouse.password,
      request_timeout: clickhouse.requestTimeoutMs,
      // Server-side gzip of responses is not worth it for our small result sets.
      compression: { request: false, response: false },
    })
    return { client, readClient: client, mode: 'server', database: clickhouse.database, close: () => client.close() }
  }
  // Loaded lazily: the native engine is ~550 MB and server mode never needs it.
  const { createChdbConnection } = await import('chdb/connection')
  const path = resolve(join(config.dataDir, 'clickhouse'))
  mkdirSync(path, { recursive: true })
  // `connection` is chdb's hook into @clickhouse/client; its types lag the client's.
  const open = () => createClient({ connection: createChdbConnection({ path }) } as Parameters<typeof createClient>[0])
  const client = open()
  const readClient = open() // sessions on the same folder coexist in one process
  await readClient.command({ query: 'SET readonly = 1' })
  return {
    client,
    readClient,
    mode: 'embedded',
    database: clickhouse.database,
    close: async () => {
      await readClient.close()
      await client.close()
    },
  }
}
