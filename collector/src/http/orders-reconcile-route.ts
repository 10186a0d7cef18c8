import type { Context } from 'hono'
import { NotApplierError } from '../orders/applier.js'
import type { OrdersRuntime } from '../orders/start-orders.js'
import { adminCheck } from './admin-auth.js'
import { RequestError, errorResponse } from './errors.js'

const REPAIR_VALUES: Record<string, boolean> = { '': false, '0': false, false: false, '1': true, true: true }

/**
 * `POST /v1/admin/orders/reconcile[?repair=1]` (admin token): recomputes the revenue
 * rollups from the orders' states and answers the differing groups; with `repair=1`
 * it also corrects them (see orders/reconciler.ts). What `tally-collector orders
 * reconcile` calls: in embedded mode only the running collector can open the data.
 * 409 ERR_NOT_APPLIER: a repair asked of a collector that does not apply orders.
 */
export function ordersReconcileRoute(reconcile: OrdersRuntime['reconcile'], adminToken: string, isDraining: () => boolean) {
  const requireAdmin = adminCheck(adminToken)
  return async function ordersReconcile(c: Context): Promise<Response> {
    try {
      requireAdmin(c.req.header('authorization'))
      const repair = REPAIR_VALUES[c.req.query('repair') ?? '']
      if (repair === undefined) throw new RequestError(400, 'ERR_PARAM_INVALID', 'repair is 1 or 0')
      if (isDraining()) throw new RequestError(503, 'ERR_SHUTTING_DOWN', 'the collector is shutting down')
      return c.json(await reconcile({ repair }), 200, { 'Cache-Control': 'no-store' })
    } catch (err) {
      if (err instanceof RequestError) return errorResponse(c, err)
      if (err instanceof NotApplierError) return errorResponse(c, { status: 409, code: err.code, message: err.message })
      return errorResponse(c, new RequestError(500, 'ERR_INTERNAL', err instanceof Error ? err.message : String(err)))
    }
  }
}
