/**
 * Statement execution against chDB, for the ClickHouse-HTTP test front (see
 * ../clickhouse-http-front.ts). chDB is loaded only when `openEngine` is called, so
 * importing this module does not load it.
 */
import { resolve } from 'node:path'
import { bindParams } from './params.js'

/** What chDB's Session offers (typed here so this module needs no chDB import). */
export interface ChdbResult {
  elapsed: number
  rowsRead: number
  bytesRead: number
  bytes(): Uint8Array
}
interface ChdbSession {
  queryAsync(query: string, opts?: { format?: string }): Promise<ChdbResult>
  queryBindAsync(query: string, params: object, opts?: { format?: string }): Promise<ChdbResult>
  close(): void
}

/** One statement with what its request asked for. */
export interface Statement {
  sql: string
  /** `USE` for this statement only (already checked to be an identifier). */
  database: string | null
  /** `SET` for this statement only, reset afterwards (names already checked). */
  settings: [string, string][]
  /** `param_<name>` values as received. */
  params: Record<string, string>
  format: string
}

export interface Engine {
  /** `SELECT version()` of the engine. */
  version: string
  /** Runs one statement; statements run one at a time. */
  run(statement: Statement): Promise<ChdbResult>
  /** Waits for the running statement, then closes the session. */
  close(): Promise<void>
}

/**
 * Opens a chDB session on `path` (the process must not hold another chDB folder).
 * `readOnly`: `SET readonly = 1` for good, as a readonly=1 profile would on a server:
 * no writes, no table functions, and no setting may change (chDB keeps it per session).
 */
export async function openEngine(path: string, options: { readOnly?: boolean } = {}): Promise<Engine> {
  // createRequire: chdb is CommonJS with a native addon; loaded only here.
  const { createRequire } = await import('node:module')
  const require = createRequire(import.meta.url)
  const { Session } = require('chdb') as { Session: new (path: string) => ChdbSession }
  const session = new Session(resolve(path))
  const version = (await session.queryAsync('SELECT version()', { format: 'TabSeparated' })).bytes()
  if (options.readOnly) await session.queryAsync('SET readonly = 1')

  // One statement at a time: settings and `USE` are per session in chDB.
  let chain: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn)
    chain = run.catch(() => undefined)
    return run
  }

  return {
    version: Buffer.from(version).toString('utf8').trim(),
    run: ({ sql, database, settings, params, format }) =>
      exclusive(async () => {
        const applied: string[] = []
        try {
          if (database) await session.queryAsync(`USE ${database}`)
          for (const [key, value] of settings) {
            applied.push(key)
            await session.queryAsync(`SET ${key} = ${settingLiteral(value)}`)
          }
          const bound = bindParams(sql, params)
          return bound ? await session.queryBindAsync(sql, bound, { format }) : await session.queryAsync(sql, { format })
        } finally {
          for (const key of applied) await session.queryAsync(`SET ${key} = DEFAULT`).catch(() => undefined)
          if (database) await session.queryAsync('USE default').catch(() => undefined)
        }
      }),
    async close() {
      await chain.catch(() => undefined)
      session.close()
    },
  }
}

/** A setting's value as SQL: numbers bare, everything else a string literal. */
function settingLiteral(value: string): string {
  if (/^-?\d+(\.\d+)?$/.test(value)) return value
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
