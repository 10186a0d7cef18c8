import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Context, Hono } from 'hono'
import type { Storage } from '../storage/client.js'
import { adminCheck } from '../http/admin-auth.js'
import { RequestError, errorResponse } from '../http/errors.js'
import { siteHostSet } from '../enrich/referrer.js'
import { DASHBOARD_QUERIES, type DashboardPanel } from './queries.js'

const PAGE_PATH = join(fileURLToPath(import.meta.url), '..', '..', '..', 'dashboard', 'index.html')
const RANGES = new Set([1, 7, 30, 90])

/**
 * The live dashboard: `GET /dashboard` (the page) and `GET /v1/dashboard?site=&days=`
 * (every panel's numbers in one answer, from the rollups). Guarded by the dashboard
 * token (which can run only these fixed queries) or the admin token.
 */
export function mountDashboard(
  app: Hono,
  storage: Storage,
  tokens: string[],
  siteIds: string[],
  /** A site's own hosts (site config `hosts`), left out of its sources. */
  hostsOf: (site: string) => readonly string[] = () => [],
): void {
  const checks = tokens.map(adminCheck)
  const requireAdmin = (authorization: string | undefined) => {
    const errors = checks.map((check) => {
      try {
        check(authorization)
        return undefined
      } catch (err) {
        return err
      }
    })
    if (errors.every((e) => e !== undefined)) throw errors[0]
  }
  const page = readFileSync(PAGE_PATH)

  app.get('/dashboard', (c) => c.body(page, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' }))

  app.get('/v1/dashboard', async (c: Context) => {
    try {
      requireAdmin(c.req.header('authorization'))
      const site = c.req.query('site') || siteIds[0]!
      const days = Number(c.req.query('days') ?? 1)
      if (!siteIds.includes(site)) throw new RequestError(400, 'ERR_QUERY', `unknown site ${site}`)
      if (!RANGES.has(days)) throw new RequestError(400, 'ERR_QUERY', `days must be one of ${[...RANGES].join(', ')}`)
      const panels = Object.keys(DASHBOARD_QUERIES) as DashboardPanel[]
      const results = await Promise.all(
        panels.map(async (panel) => {
          const result = await storage.readClient.query({
            query: DASHBOARD_QUERIES[panel](storage.database),
            query_params: { site, days, hosts: [...siteHostSet(hostsOf(site))] },
            format: 'JSONEachRow',
          })
          return [panel, await result.json()] as const
        }),
      )
      return c.json({ site, sites: siteIds, days, generated_at: new Date().toISOString(), ...Object.fromEntries(results) })
    } catch (err) {
      if (err instanceof RequestError) return errorResponse(c, err)
      return c.json({ error: { code: 'ERR_QUERY', message: err instanceof Error ? err.message : String(err) } }, 500)
    }
  })
}
