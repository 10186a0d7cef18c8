import type { ClickHouseClient } from '@clickhouse/client'
import { UnlistedSettingError } from './embedded-settings.js'
import { inlineParams } from './inline-params.js'

/** `n` sessions from `open`, each set `readonly = 1` for good, as one pool. */
export async function openReadPool(open: () => ClickHouseClient, n: number): Promise<ReadPool> {
  const sessions: ClickHouseClient[] = []
  try {
    for (let i = 0; i < n; i++) {
      const session = open()
      sessions.push(session)
      await session.command({ query: 'SET readonly = 1' })
    }
  } catch (err) {
    await Promise.allSettled(sessions.map((s) => s.close()))
    throw err
  }
  return new ReadPool(sessions)
}

/** What the dashboard reads with: a query, and closing. */
export type ReadClient = Pick<ClickHouseClient, 'query' | 'close'>

type QueryParams = Parameters<ClickHouseClient['query']>[0]

/**
 * The embedded engine's read sessions: several read-only chDB sessions on the data folder,
 * each running one query at a time, every query given to the next free one (first come,
 * first served), its parameters written in as literals (inline-params.ts).
 *
 * Why: one chDB session runs its calls one at a time, and parameterized calls are chained
 * across sessions, so the nine queries of a dashboard page ran one after another, most of
 * each spent planning on one core while the other idled. On three sessions the page took
 * 0.61–0.72 of its time on one on this 2-core machine (test/bench/dashboard-queries.ts
 * prints both, `pool / one`); a view that already keeps both cores busy (a broad filter)
 * runs its panels one at a time (dashboard/panels.ts). The writer's session is apart:
 * these reads never queue its calls (test/bench/writer-under-reads.ts).
 */
export class ReadPool implements ReadClient {
  readonly #sessions: ClickHouseClient[]
  readonly #idle: ClickHouseClient[]
  readonly #waiting: Array<(session: ClickHouseClient) => void> = []

  constructor(sessions: ClickHouseClient[]) {
    if (sessions.length === 0) throw new RangeError('a read pool needs a session')
    this.#sessions = sessions
    this.#idle = [...sessions]
  }

  query(params: QueryParams): ReturnType<ClickHouseClient['query']> {
    let sql: string
    try {
      // chDB would SET a call's settings on the session, for good (embedded-settings.ts)
      if (params.clickhouse_settings && Object.keys(params.clickhouse_settings).length > 0) {
        throw new UnlistedSettingError('the read sessions take no per-call settings: put them in the SQL (SETTINGS …)')
      }
      sql = params.query_params ? inlineParams(params.query, params.query_params) : params.query
    } catch (err) {
      return Promise.reject(err)
    }
    return this.#withSession((session) => {
      if (params.abort_signal?.aborted) throw new Error('the query was aborted while it waited for a read session')
      return session.query({ ...params, query: sql, query_params: undefined })
    }) as ReturnType<ClickHouseClient['query']>
  }

  async close(): Promise<void> {
    await Promise.all(this.#sessions.map((s) => s.close()))
  }

  async #withSession<T>(run: (session: ClickHouseClient) => Promise<T>): Promise<T> {
    const session = this.#idle.pop() ?? (await new Promise<ClickHouseClient>((take) => this.#waiting.push(take)))
    try {
      // chDB answers a call with its whole result: the session is free once it resolves.
      return await run(session)
    } finally {
      const next = this.#waiting.shift()
      if (next) next(session)
      else this.#idle.push(session)
    }
  }
}
