import type { Context } from 'hono'
import { z } from 'zod'
import type { AnalystSql } from '../sql/analyst-sql.js'
import { SQL_FORMAT_NAMES } from '../sql/formats.js'
import { SqlError } from '../sql/sql-error.js'
import { RequestError, errorResponse } from './errors.js'
import { readBody } from './read-body.js'
import { adminCheck } from './admin-auth.js'

const MAX_BODY_BYTES = 1024 * 1024

const sqlBody = z.object({
  query: z.string().min(1, 'query is required'),
  /** Values for `{name:Type}` placeholders. */
  params: z.record(z.string(), z.unknown()).default({}),
  format: z.enum(SQL_FORMAT_NAMES).default('json'),
})

/**
 * `POST /v1/sql` `{ query, params?, format? }` for analysts (and `tally-collector sql`).
 * chDB holds its data folder for one process, so embedded data is queried through the
 * running collector. Guarded by the admin token. `format`: `json` (default,
 * `{"rows":[…]}`), `jsonl`, `csv`, `tsv` (both with a header); a FORMAT clause in the
 * query wins and its output is passed through as `text/plain`. Errors before the first
 * result bytes are 400 `ERR_QUERY` / `ERR_QUERY_REFUSED` / `ERR_QUERY_LIMIT` (503
 * `ERR_SHUTTING_DOWN`); after them, the response is cut (the client sees a broken body).
 */
export function sqlRoute(sql: AnalystSql | undefined, adminToken: string) {
  const requireAdmin = adminCheck(adminToken)
  return async function sqlQuery(c: Context): Promise<Response> {
    try {
      requireAdmin(c.req.header('authorization'))
      if (!sql) {
        throw new RequestError(404, 'ERR_SQL_DISABLED', 'SQL is off: in server mode it needs a read-only ClickHouse user, clickhouse.sqlUser (CLICKHOUSE_SQL_USER)')
      }
      const parsed = sqlBody.safeParse(parseJson((await readBody(c.req.raw, MAX_BODY_BYTES)).toString('utf8')))
      if (!parsed.success) throw new RequestError(400, 'ERR_BODY_MALFORMED', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '))
      const answer = await sql.query(parsed.data)
      return new Response(answer.body, { status: 200, headers: { 'Content-Type': answer.contentType, 'Cache-Control': 'no-store' } })
    } catch (err) {
      if (err instanceof RequestError) return errorResponse(c, err)
      if (err instanceof SqlError) return errorResponse(c, { status: err.code === 'ERR_SHUTTING_DOWN' ? 503 : 400, code: err.code, message: err.message })
      return errorResponse(c, new RequestError(500, 'ERR_INTERNAL', err instanceof Error ? err.message : String(err)))
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text || '{}')
  } catch {
    throw new RequestError(400, 'ERR_BODY_MALFORMED', 'the body is not JSON')
  }
}
