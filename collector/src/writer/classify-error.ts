import { ClickHouseError } from '@clickhouse/client'

/**
 * What a failed insert means for the rows it carried:
 * - `data`: the engine refused a value of the block (its input format, type or range).
 *   Retrying the same block fails forever; the writer bisects it to find the rows.
 * - `transient`: anything else (network, timeouts, 5xx, too many parts, memory, a
 *   read-only or Keeper-less replica, and every error we do not know): retried as is.
 * Unknown errors are transient on purpose: a wrong `data` would quarantine good rows,
 * a wrong `transient` only delays them, and a stuck writer is visible on /readyz.
 */
export type InsertErrorKind = 'data' | 'transient'

/** ClickHouse error names (the `type` of a ClickHouseError) that blame the rows sent. */
const DATA_ERROR_TYPES = new Set([
  'INCORRECT_DATA',
  'TYPE_MISMATCH',
  'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
  'TOO_LARGE_STRING_SIZE',
  'TOO_LARGE_ARRAY_SIZE',
  'CANNOT_READ_ARRAY_FROM_TEXT',
  'CANNOT_READ_MAP_FROM_TEXT',
  'CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN',
  'CANNOT_CONVERT_TYPE',
  'DECIMAL_OVERFLOW',
  'INCORRECT_NUMBER_OF_COLUMNS',
  'ATTEMPT_TO_READ_AFTER_EOF',
  'UNEXPECTED_END_OF_FILE',
  'CANNOT_PARSE_INPUT_ASSERTION_FAILED', // also matched by the prefix; named for the reader
])
/** CANNOT_PARSE_TEXT, CANNOT_PARSE_ESCAPE_SEQUENCE, CANNOT_PARSE_UUID, CANNOT_PARSE_DATETIME, … */
const DATA_ERROR_PREFIX = 'CANNOT_PARSE_'

export function classifyInsertError(err: unknown): InsertErrorKind {
  if (!isClickHouseError(err)) return 'transient'
  const type = err.type ?? ''
  return DATA_ERROR_TYPES.has(type) || type.startsWith(DATA_ERROR_PREFIX) ? 'data' : 'transient'
}

/** The engine's name for the error (`CANNOT_PARSE_UUID`), or `UNKNOWN`. */
export function engineErrorType(err: unknown): string {
  return isClickHouseError(err) && err.type ? err.type : 'UNKNOWN'
}

/**
 * A ClickHouseError, also from a second copy of the client's module (chdb/connection
 * can load its own): the engine's numeric `code` and its error name as `type`.
 * A Node network error has a `code` such as ECONNRESET and no `type`.
 */
function isClickHouseError(err: unknown): err is ClickHouseError {
  if (err instanceof ClickHouseError) return true
  const e = err as { code?: unknown; type?: unknown } | null
  return err instanceof Error && typeof e!.type === 'string' && typeof e!.code === 'string' && /^\d+$/.test(e!.code)
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
