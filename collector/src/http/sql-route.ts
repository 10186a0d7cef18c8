import type { Context } from 'hono'
import type { Storage } from '../storage/client.js'
import { RequestError, errorResponse } from './errors.js'
import { readBody } from './read-body.js'
import { adminCheck } from './admin-auth.js'

/** One read-only statement: SELECT, WITH, SHOW, DESCRIBE, EXPLAIN; no INTO OUTFILE. */
const READ_ONLY = /^\s*(select|with|show|describe|desc|explain)\b/i
// INTO OUTFILE is done by the engine's client side, which readonly does not cover.
const FORBIDDEN = /outfile|;\s*\S/i

/**
 * `POST /v1/sql` `{ query, params? }` → `{ rows }`, for analysts and the dashboard.
 * chDB holds its data folder for one process, so embedded data is queried through the
 * running collector. Guarded by the admin token, and run on the read-only session
 * (`storage.readClient`): no writes, no table functions; the statement check adds one
 * statement only and no INTO OUTFILE.
 */
export function sqlRoute(storage: Storage, adminToken: string) {
  const requireAdmin = adminCheck(adminToken)
  return async function sql(c: Context): Promise<Response> {
    try {
      requireAdmin(c.req.header('authorization'))
      const body = JSON.parse((await readBody(c.req.raw, 1024 * 1024)).toString('utf8') || '{}') as { query?: unknown; params?: unknown }
      if (typeof body.query !== 'string' || !READ_ONLY.test(body.query) || FORBIDDEN.test(body.query)) {
        throw new RequestError(400, 'ERR_QUERY', 'query must be one read-only statement')
      }
      const result = await storage.readClient.query({
        query: body.query.replace(/;\s*$/, ''),
        query_params: (body.params ?? {}) as Record<string, unknown>,
        format: 'JSONEachRow',
        clickhouse_settings: storage.mode === 'server' ? { readonly: '2' } : {},
      })
      return c.json({ rows: await result.json() })
    } catch (err) {
      if (err instanceof RequestError) return errorResponse(c, err)
      if (err instanceof SyntaxError) return errorResponse(c, new RequestError(400, 'ERR_BODY_MALFORMED', 'the body is not JSON'))
      return c.json({ error: { code: 'ERR_QUERY', message: err instanceof Error ? err.message : String(err) } }, 400)
    }
  }
}
