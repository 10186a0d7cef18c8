import { randomUUID } from 'node:crypto'
import { createRequire } from 'node:module'
import type { ChdbQueryStream, Session } from 'chdb'
import type { SqlEngine, SqlLimits, SqlRun } from './engine.js'

type SessionClass = new (path: string) => Session

/**
 * Analyst statements on the embedded engine. Each statement gets its own chDB session
 * on the data folder (opening one costs ~1 ms): limits first, then `readonly = 1`, which
 * chDB keeps for the session and which forbids changing any setting afterwards, so a
 * query's own SETTINGS cannot lift a limit.
 *
 * Cancelling: chDB cannot interrupt a running statement from its JS handle (an abort
 * rejects the promise while the engine computes on, and process exit waits for it).
 * `KILL QUERY` from another session does stop it, so each statement carries a marker
 * comment and an abort kills what starts with that marker.
 */
export function embeddedSqlEngine(path: string, limits: SqlLimits): SqlEngine {
  // createRequire: chdb is CommonJS with a native addon, already loaded by the storage.
  const { Session } = createRequire(import.meta.url)('chdb') as { Session: SessionClass }
  return {
    async open(signal) {
      const session = new Session(path)
      const marker = `/* tally-sql:${randomUUID()} */ `
      let active: ChdbQueryStream | undefined
      const kill = () => killMarked(Session, path, marker)
      signal.addEventListener('abort', kill, { once: true })
      try {
        await session.queryAsync(limitSettings(limits))
        await session.queryAsync('SET readonly = 1')
      } catch (err) {
        session.close()
        throw err
      }
      const run: SqlRun = {
        async rows(query, params) {
          const sql = marker + query
          const opts = { format: 'JSONEachRow' }
          const result = Object.keys(params).length > 0 ? await session.queryBindAsync(sql, params, opts) : await session.queryAsync(sql, opts)
          return result.text().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>)
        },
        async lines(query, params) {
          const sql = marker + query
          const opts = { format: 'TabSeparated' }
          const result = Object.keys(params).length > 0 ? await session.queryBindAsync(sql, params, opts) : await session.queryAsync(sql, opts)
          return result.text().split('\n')
        },
        async *stream(query, params) {
          const sql = marker + query
          const bound = Object.keys(params).length > 0
          try {
            active = bound ? session.queryStreamBind(sql, params) : session.queryStream(sql)
            for await (const chunk of active) yield chunk.raw()
          } catch (err) {
            // chDB streams SELECTs only: EXPLAIN, DESCRIBE, SHOW… run whole (their output is small).
            if (!STREAMING_UNSUPPORTED.test(String((err as Error)?.message))) throw err
            const result = bound ? await session.queryBindAsync(sql, params, {}) : await session.queryAsync(sql)
            yield Buffer.from(result.text())
          }
        },
        async close() {
          signal.removeEventListener('abort', kill)
          active?.cancel()
          session.close()
        },
      }
      return run
    },
  }
}

/** chDB's answer to a streamed statement other than a SELECT. */
const STREAMING_UNSUPPORTED = /Streaming query is not supported/i

/** One `SET` with every limit; overflow throws (never a silently cut result). */
function limitSettings(limits: SqlLimits): string {
  return [
    `SET max_execution_time = ${limits.maxExecutionSeconds}`,
    `max_result_rows = ${limits.maxResultRows}`,
    `max_result_bytes = ${limits.maxResultBytes}`,
    `result_overflow_mode = 'throw'`,
    `timeout_overflow_mode = 'throw'`,
    `max_memory_usage = ${limits.maxMemoryBytes}`,
  ].join(', ')
}

/** Stops the statement that carries `marker` (from a session of its own; readonly sessions may not KILL). */
function killMarked(Session: SessionClass, path: string, marker: string): void {
  const control = new Session(path)
  control
    .queryAsync(`KILL QUERY WHERE startsWith(query, '${marker}') ASYNC`, { format: 'Null' })
    .catch(() => undefined) // nothing running any more, or the engine is closing
    .finally(() => control.close())
}
