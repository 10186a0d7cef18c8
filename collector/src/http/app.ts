import { existsSync, readFileSync } from 'node:fs'
import { Hono } from 'hono'
import { batchRoute, type BatchRouteDeps } from './batch-route.js'
import { mountOpsRoutes, type OpsDeps } from './ops-routes.js'
import { sqlRoute } from './sql-route.js'
import { ordersReconcileRoute } from './orders-reconcile-route.js'
import type { OrdersRuntime } from '../orders/start-orders.js'
import { mountDashboard } from '../dashboard/route.js'
import { ShareStore } from '../dashboard/share-store.js'
import { mountShareRoutes } from '../dashboard/share-routes.js'
import { PREFLIGHT_HEADERS, corsHeaders } from './cors.js'
import { errorResponse, RequestError } from './errors.js'

export interface AppDeps extends BatchRouteDeps, OpsDeps {
  adminToken?: string
  /** Lets the dashboard read its fixed queries, and nothing else. */
  dashboardToken?: string
  /** The orders' reconciliation, behind the admin token. */
  reconcileOrders?: OrdersRuntime['reconcile']
  /** Share links of the dashboard (one site each); default: kept in `dashboard_shares`. */
  shares?: ShareStore
  /** The script-tag build, served at /tally.js when it has been built. */
  trackerPath?: string
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono()

  // Preflight: answered for any origin some site allows; the token decides the site later.
  app.options('/v1/batch', (c) => {
    const origin = c.req.header('origin')
    if (!origin || !deps.origins.allowsSomeSite(origin)) return c.body(null, 204)
    return c.body(null, 204, { ...corsHeaders(origin), ...PREFLIGHT_HEADERS })
  })
  app.post('/v1/batch', batchRoute(deps))
  if (deps.adminToken) app.post('/v1/sql', sqlRoute(deps.storage.sql, deps.adminToken))
  if (deps.adminToken && deps.reconcileOrders) app.post('/v1/admin/orders/reconcile', ordersReconcileRoute(deps.reconcileOrders, deps.adminToken, deps.isDraining))
  const dashboardTokens = [deps.dashboardToken, deps.adminToken].filter((t): t is string => !!t)
  if (dashboardTokens.length > 0) {
    const shares = deps.shares ?? new ShareStore(deps.storage)
    if (deps.adminToken) mountShareRoutes(app, shares, deps.adminToken, [...deps.sites.keys()])
    mountDashboard(app, { storage: deps.storage, tokens: dashboardTokens, sites: deps.sites, shares: (secret) => shares.lookup(secret) })
  }
  mountOpsRoutes(app, deps)

  let tracker: string | undefined // read once, on the first request after it was built
  app.get('/tally.js', (c) => {
    if (!tracker && deps.trackerPath && existsSync(deps.trackerPath)) tracker = readFileSync(deps.trackerPath, 'utf8')
    if (!tracker) return errorResponse(c, new RequestError(404, 'ERR_NOT_FOUND', 'the tracker is not built; run npm run build'))
    return c.body(tracker, 200, {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
      'Access-Control-Allow-Origin': '*',
    })
  })

  app.notFound((c) => errorResponse(c, new RequestError(404, 'ERR_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)))
  return app
}
