/**
 * Stable error codes of the collector's answers (`{ error: { code, message } }`).
 * SDKs switch on these; never rename one.
 */
export const TOKEN_ERROR_CODES = [
  'ERR_TOKEN_MISSING',
  'ERR_TOKEN_MALFORMED',
  'ERR_TOKEN_ALG',
  'ERR_TOKEN_UNKNOWN_KEY',
  'ERR_TOKEN_SIGNATURE',
  'ERR_TOKEN_EXPIRED',
  'ERR_TOKEN_NOT_YET_VALID',
  'ERR_TOKEN_ISSUER',
  'ERR_TOKEN_AUDIENCE',
  'ERR_TOKEN_SITE',
  'ERR_TOKEN_SCOPE',
  'ERR_TOKEN_LIFETIME',
] as const
export type TokenErrorCode = (typeof TOKEN_ERROR_CODES)[number]

export const REQUEST_ERROR_CODES = [
  'ERR_BODY_MALFORMED',
  'ERR_BODY_TOO_LARGE',
  'ERR_BATCH_INVALID',
  'ERR_ORIGIN_NOT_ALLOWED',
  'ERR_SPOOL_FULL',
  'ERR_SPOOL_UNAVAILABLE',
  'ERR_SHUTTING_DOWN',
  'ERR_NOT_FOUND',
  'ERR_UNAUTHORIZED',
  'ERR_QUERY',
  /** A statement the SQL surface does not run (a write, INTO OUTFILE, several statements, a setting change). */
  'ERR_QUERY_REFUSED',
  /** An analyst query went past a limit (time, result rows or bytes, memory). */
  'ERR_QUERY_LIMIT',
  /** `/v1/sql` is off (server mode without a read-only SQL user). */
  'ERR_SQL_DISABLED',
  'ERR_INTERNAL',
  /** A query parameter of an admin route is not one of its values. */
  'ERR_PARAM_INVALID',
  /** An order repair asked of a collector that does not apply orders (it does not hold the applier lease). */
  'ERR_NOT_APPLIER',
  /** A dashboard parameter (site, dates, time zone, filter) is malformed or out of range. */
  'ERR_DASHBOARD_PARAM',
  /** A share link asked for a site other than its own. */
  'ERR_SITE_FORBIDDEN',
] as const
export type RequestErrorCode = (typeof REQUEST_ERROR_CODES)[number]

export type CollectorErrorCode = TokenErrorCode | RequestErrorCode
