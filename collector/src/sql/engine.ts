/** The limits of one analyst query (config `sql`). */
export interface SqlLimits {
  maxExecutionSeconds: number
  maxResultRows: number
  maxResultBytes: number
  maxMemoryBytes: number
}

/**
 * Where analyst statements run: a read-only chDB session per statement (embedded), or
 * the read-only SQL user of a ClickHouse server. Errors are the engine's own
 * (`ClickHouseError` or chDB's `Code: N. DB::Exception` text); callers map them.
 */
export interface SqlEngine {
  /** Opens one read-only statement context; `close` it when done (it also stops what still runs). */
  open(signal: AbortSignal): Promise<SqlRun>
}

export interface SqlRun {
  /** Rows of a small query as JSON objects (the statement's inspection). */
  rows(query: string, params: Record<string, unknown>): Promise<Record<string, unknown>[]>
  /** The lines of `query`'s output in the engine's default format, TabSeparated (for EXPLAIN, which a FORMAT clause would not reach). */
  lines(query: string, params: Record<string, unknown>): Promise<string[]>
  /** The output bytes of `query`, chunk by chunk, as the engine produces them. */
  stream(query: string, params: Record<string, unknown>): AsyncIterable<Uint8Array>
  /** Stops the statement if it still runs (engine-side), and releases the context. */
  close(): Promise<void>
}
