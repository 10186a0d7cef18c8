import type { RequestErrorCode } from '../protocol/errors.js'

/** Why an analyst query did not answer, with the code the caller can switch on. */
export class SqlError extends Error {
  constructor(
    readonly code: Extract<RequestErrorCode, 'ERR_QUERY' | 'ERR_QUERY_REFUSED' | 'ERR_QUERY_LIMIT' | 'ERR_SHUTTING_DOWN'>,
    message: string,
  ) {
    super(message)
  }
}

/** ClickHouse error codes that mean "past a limit" (TIMEOUT_EXCEEDED, TOO_MANY_ROWS_OR_BYTES, MEMORY_LIMIT_EXCEEDED, …). */
const LIMIT_CODES = new Set(['158', '159', '160', '241', '307', '396'])
/** READONLY, ACCESS_DENIED, and a setting that may not change (SETTING_CONSTRAINT_VIOLATION). */
const REFUSED_CODES = new Set(['164', '452', '497'])

/** Maps an engine error (a `ClickHouseError`, or chDB's text `Code: N. DB::Exception: …`) to a SqlError. */
export function sqlErrorFrom(err: unknown): SqlError {
  if (err instanceof SqlError) return err
  const message = err instanceof Error ? err.message : String(err)
  const code = (err as { code?: unknown } | null)?.code
  const engineCode = typeof code === 'string' && /^\d+$/.test(code) ? code : /Code: (\d+)\./.exec(message)?.[1]
  if (engineCode && LIMIT_CODES.has(engineCode)) return new SqlError('ERR_QUERY_LIMIT', message)
  if (engineCode && REFUSED_CODES.has(engineCode)) return new SqlError('ERR_QUERY_REFUSED', message)
  return new SqlError('ERR_QUERY', message)
}
