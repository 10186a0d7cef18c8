import type { Context, Hono } from 'hono'
import { z } from 'zod'
import { adminCheck } from '../http/admin-auth.js'
import { RequestError, errorResponse } from '../http/errors.js'
import { readBody } from '../http/read-body.js'
import type { ShareStore } from './share-store.js'

const MAX_BODY_BYTES = 4096
const ID = /^sh_[A-Za-z0-9_-]{1,32}$/

const createBody = z.object({
  site: z.string().min(1, 'site is required').max(128),
  label: z.string().max(200).default(''),
})

/**
 * The share links' admin routes (admin token only; `tally-collector share` calls them):
 * - `POST /v1/admin/shares` `{ site, label? }` → 201 `{ id, site, label, created_at, url, screen_url }`;
 *   the secret travels only in the two URLs' fragment (`#share=…`), this once.
 * - `GET /v1/admin/shares` → `{ shares: [{ id, site, label, created_at, revoked }] }`, no secrets.
 * - `DELETE /v1/admin/shares/:id` → `{ id, revoked: true }`, or 404 for an unknown id.
 */
export function mountShareRoutes(app: Hono, store: ShareStore, adminToken: string, siteIds: string[]): void {
  const requireAdmin = adminCheck(adminToken)
  const guarded = (work: (c: Context) => Promise<Response>) => async (c: Context) => {
    try {
      requireAdmin(c.req.header('authorization'))
      return await work(c)
    } catch (err) {
      if (err instanceof RequestError) return errorResponse(c, err)
      return errorResponse(c, new RequestError(500, 'ERR_INTERNAL', err instanceof Error ? err.message : String(err)))
    }
  }

  app.post(
    '/v1/admin/shares',
    guarded(async (c) => {
      const parsed = createBody.safeParse(parseJson((await readBody(c.req.raw, MAX_BODY_BYTES)).toString('utf8')))
      if (!parsed.success) throw new RequestError(400, 'ERR_BODY_MALFORMED', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '))
      const { site, label } = parsed.data
      if (!siteIds.includes(site)) throw new RequestError(400, 'ERR_PARAM_INVALID', `unknown site ${site.slice(0, 64)}`)
      const { secret, ...share } = await store.create(site, label)
      const origin = new URL(c.req.url).origin
      const fragment = `#share=${secret}`
      return c.json({ ...share, url: `${origin}/dashboard?site=${encodeURIComponent(site)}${fragment}`, screen_url: `${origin}/dashboard/screen?site=${encodeURIComponent(site)}${fragment}` }, 201, {
        'Cache-Control': 'no-store',
      })
    }),
  )
  app.get(
    '/v1/admin/shares',
    guarded(async (c) => c.json({ shares: await store.list() }, 200, { 'Cache-Control': 'no-store' })),
  )
  app.delete(
    '/v1/admin/shares/:id',
    guarded(async (c) => {
      const id = c.req.param('id') ?? ''
      if (!ID.test(id) || !(await store.revoke(id))) throw new RequestError(404, 'ERR_NOT_FOUND', 'no share with this id')
      return c.json({ id, revoked: true }, 200, { 'Cache-Control': 'no-store' })
    }),
  )
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new RequestError(400, 'ERR_BODY_MALFORMED', 'the body is not JSON')
  }
}
