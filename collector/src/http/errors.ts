import type { Context } from 'hono'
import type { CollectorErrorCode } from '../protocol/errors.js'

/** A request failure with its HTTP status and stable code. */
export class RequestError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503,
    readonly code: CollectorErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

/** `{ error: { code, message } }` with the error's status and headers. */
export function errorResponse(c: Context, err: { status: number; code: string; message: string; headers?: Record<string, string> }, extra?: object): Response {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v)
  return c.json({ error: { code: err.code, message: err.message }, ...extra }, err.status as 400)
}
