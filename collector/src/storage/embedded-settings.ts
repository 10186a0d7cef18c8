import type { ClickHouseClient } from '@clickhouse/client'

/**
 * The settings Tally passes with one call (`clickhouse_settings`): dedup tokens and the
 * one-block insert sizes (writer/insert-block.ts). Over HTTP a setting lasts one request.
 * The embedded engine runs it as `SET …;` on the client's session, where it would stay
 * for every later call: an untokened insert after a tokened one carried the old token, so
 * a second one into a table keeping a dedup window was dropped as a repeat. The embedded
 * writer client therefore sends these at the session's starting values with every call
 * (client-level settings go with each call; a call's own override them), and refuses any
 * other setting, so a new one cannot be added without being listed here.
 */
export const PER_CALL_SETTINGS = [
  'insert_deduplication_token',
  'deduplicate_blocks_in_dependent_materialized_views',
  'max_insert_block_size',
  'min_insert_block_size_rows',
  'min_insert_block_size_bytes',
] as const

export class UnlistedSettingError extends Error {
  readonly code = 'ERR_UNLISTED_SETTING'
}

/** The starting values of {@link PER_CALL_SETTINGS}, read from a session that has set none of them. */
export async function perCallDefaults(fresh: Pick<ClickHouseClient, 'query'>): Promise<Record<string, string>> {
  const rows = await (await fresh.query({
    query: 'SELECT name, value FROM system.settings WHERE name IN {names:Array(String)}',
    query_params: { names: [...PER_CALL_SETTINGS] },
    format: 'JSONEachRow',
  })).json<{ name: string; value: string }>()
  const defaults = Object.fromEntries(rows.map((r) => [r.name, r.value]))
  const missing = PER_CALL_SETTINGS.filter((name) => !(name in defaults))
  if (missing.length > 0) throw new UnlistedSettingError(`the engine has no setting ${missing.join(', ')}`)
  return defaults
}

/** Makes `client` refuse a call whose `clickhouse_settings` names a setting outside {@link PER_CALL_SETTINGS}. */
export function refuseUnlistedSettings(client: ClickHouseClient): ClickHouseClient {
  const listed = new Set<string>(PER_CALL_SETTINGS)
  for (const method of ['query', 'insert', 'command', 'exec'] as const) {
    const call = client[method].bind(client) as (params: { clickhouse_settings?: object }) => Promise<unknown>
    const guarded = (params: { clickhouse_settings?: object }) => {
      const unlisted = Object.keys(params.clickhouse_settings ?? {}).filter((name) => !listed.has(name))
      if (unlisted.length > 0) {
        return Promise.reject(new UnlistedSettingError(`${unlisted.join(', ')} would stay set on the embedded session: put it in the SQL (SETTINGS …) or add it to PER_CALL_SETTINGS`))
      }
      return call(params)
    }
    Object.assign(client, { [method]: guarded })
  }
  return client
}
