import { randomUUID } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'
import type { SqlEngine, SqlRun } from './engine.js'

/**
 * Analyst statements on a ClickHouse server, as the read-only SQL user
 * (`clickhouse.sqlUser`), never the writer. The server's own profile for that user
 * holds the limits (a readonly=1 user may not be sent settings); the collector adds its
 * deadline and result-bytes cut. An abort closes the request and kills the statement by
 * its query id (a read-only user may kill its own queries).
 */
export function serverSqlEngine(client: ClickHouseClient): SqlEngine {
  return {
    async open(signal) {
      let running: string | undefined
      const run: SqlRun = {
        async rows(query, params) {
          const result = await client.query({ query, query_params: params, format: 'JSONEachRow', abort_signal: signal })
          return result.json<Record<string, unknown>>()
        },
        async lines(query, params) {
          const { stream } = await client.exec({ query, query_params: params, abort_signal: signal })
          let text = ''
          for await (const chunk of stream) text += (chunk as Buffer).toString('utf8')
          return text.split('\n')
        },
        async *stream(query, params) {
          const queryId = randomUUID()
          running = queryId
          const { stream } = await client.exec({ query, query_params: params, query_id: queryId, abort_signal: signal })
          try {
            for await (const chunk of stream) yield chunk as Uint8Array
            running = undefined
          } finally {
            stream.destroy()
          }
        },
        async close() {
          if (!running) return
          const queryId = running
          running = undefined
          // Not awaited: a shutdown does not wait on the server's answer.
          void client.command({ query: 'KILL QUERY WHERE query_id = {id:String} ASYNC', query_params: { id: queryId } }).catch(() => undefined)
        },
      }
      return run
    },
  }
}
