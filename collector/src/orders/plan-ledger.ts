import { orderKey, type InboxRow, type LedgerRow, type StateRow } from './order-rows.js'

export interface LedgerPlan {
  rows: LedgerRow[]
  /** Orders that moved: their previous applied version (0: none), for the journal's replay check. */
  previous: Record<string, number>
  /** Versions equal to the applied one but with other content (the first applied stands). */
  conflicts: number
  /** Versions older than the applied one (ignored). */
  stale: number
}

/**
 * The ledger rows for a set of new inbox rows, given each order's applied state. Per
 * order, only the highest new version matters (the in-between ones would be retracted in
 * the same round); it applies if it is above the applied version: a −1 row retracts the
 * applied contribution under its old keys, a +1 row adds the new one (and becomes the
 * state, tombstones included). Of equal versions the first inserted wins. Pure.
 */
export function planLedger(inbox: InboxRow[], states: ReadonlyMap<string, StateRow>): LedgerPlan {
  const byOrder = new Map<string, InboxRow[]>()
  for (const row of inbox) {
    const key = orderKey(row.site_id, row.order_id)
    const list = byOrder.get(key)
    if (list) list.push(row)
    else byOrder.set(key, [row])
  }
  const plan: LedgerPlan = { rows: [], previous: {}, conflicts: 0, stale: 0 }
  for (const [key, rows] of byOrder) {
    rows.sort((a, b) => b.version - a.version || a.inserted_at - b.inserted_at || (a.event_id < b.event_id ? -1 : 1))
    const state = states.get(key)
    const next = rows[0]!
    const applies = !state || next.version > state.version
    const standing = applies ? { version: next.version, content_hash: next.content_hash } : state
    for (const row of rows) {
      if (row.version < standing.version) plan.stale++
      else if (row.content_hash !== standing.content_hash) plan.conflicts++
    }
    if (!applies) continue
    plan.previous[key] = state?.version ?? 0
    if (state && counts(state)) plan.rows.push(retraction(state))
    const { inserted_at, ...version } = next
    plan.rows.push({ ...version, source_inserted_at: inserted_at, sign: 1 })
  }
  return plan
}

function counts(state: StateRow): boolean {
  return state.orders !== 0 || !isZero(state.revenue) || !isZero(state.refunded)
}

function retraction(state: StateRow): LedgerRow {
  return { ...state, orders: -state.orders, revenue: negate(state.revenue), refunded: negate(state.refunded), sign: -1 }
}

const isZero = (decimal: string) => /^-?0*(\.0*)?$/.test(decimal)
const negate = (decimal: string) => (decimal.startsWith('-') ? decimal.slice(1) : `-${decimal}`)
