import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import type { Config } from '../config/schema.js'
import { AnalystSql } from '../sql/analyst-sql.js'
import { embeddedSqlEngine } from '../sql/embedded-engine.js'
import { serverSqlEngine } from '../sql/server-engine.js'
import { perCallDefaults, refuseUnlistedSettings } from './embedded-settings.js'
import { openReadPool, type ReadClient } from './read-pool.js'

/** Which engine a client talks to: chDB in this process, or a ClickHouse server. */
export type StorageMode = 'embedded' | 'server'

export interface Storage {
  client: ClickHouseClient
  /**
   * For the dashboard's fixed queries. Embedded: `clickhouse.readSessions` chDB sessions
   * on the same folder (read-pool.ts), each with `readonly = 1` set for good (no writes,
   * no table functions such as file() or url(), and it cannot be unset). Server: the
   * writer's client.
   */
  readClient: ReadClient
  /**
   * Analysts' SQL (`/v1/sql`): embedded, a read-only, limited chDB session per statement;
   * server mode, the read-only SQL user (`clickhouse.sqlUser`), and undefined without one.
   */
  sql: AnalystSql | undefined
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
    const sqlClient = clickhouse.sqlUser
      ? createClient({
          url: clickhouse.url,
          username: clickhouse.sqlUser,
          password: clickhouse.sqlPassword,
          request_timeout: (config.sql.maxExecutionSeconds + 5) * 1000,
          compression: { request: false, response: false },
        })
      : undefined
    const sql = sqlClient ? new AnalystSql(serverSqlEngine(sqlClient), config.sql) : undefined
    const close = async () => {
      await sqlClient?.close()
      await client.close()
    }
    return { client, readClient: client, sql, mode: 'server', database: clickhouse.database, close }
  }
  // Loaded lazily: the native engine is ~550 MB and server mode never needs it.
  const { createChdbConnection } = await import('chdb/connection')
  const path = resolve(join(config.dataDir, 'clickhouse'))
  mkdirSync(path, { recursive: true })
  // `connection` is chdb's hook into @clickhouse/client; its types lag the client's.
  const open = (settings?: Record<string, string>) => createClient({ connection: createChdbConnection({ path }), clickhouse_settings: settings } as Parameters<typeof createClient>[0])
  // Sessions on the same folder coexist in one process. The per-call settings' starting
  // values are read from a fresh session, before the writer's sets any.
  const readClient = await openReadPool(() => open(), clickhouse.readSessions)
  // Every call of the writer's session resets the per-call settings (embedded-settings.ts).
  const client = refuseUnlistedSettings(open(await perCallDefaults(readClient)))
  return {
    client,
    readClient,
    sql: new AnalystSql(embeddedSqlEngine(path, config.sql), config.sql),
    mode: 'embedded',
    database: clickhouse.database,
    close: async () => {
      await readClient.close()
      await client.close()
    },
  }
}
