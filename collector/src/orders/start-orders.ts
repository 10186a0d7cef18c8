import type { Config } from '../config/schema.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Storage } from '../storage/client.js'
import { NotApplierError, OrdersApplier } from './applier.js'
import { OrderCounters, registerOrderMetrics } from './order-metrics.js'
import { Reconciler, type ReconcileReport } from './reconciler.js'

export interface OrdersRuntime {
  counters: OrderCounters
  /** The writer inserted order versions. */
  wake: () => void
  /** The batch route acknowledged `n` order versions. */
  accepted: (n: number) => void
  /**
   * Recomputes the rollups and compares (with `repair`, corrects them). Runs between
   * applier rounds when this collector applies orders; a check elsewhere may count a
   * block being applied at that moment, and a repair elsewhere is refused (NotApplierError).
   */
  reconcile: (options: { repair: boolean }) => Promise<ReconcileReport & { applier: boolean }>
  start: () => void
  /** Stops the applier, waiting at most `timeoutMs` for a round in flight. */
  stop: (timeoutMs?: number) => Promise<void>
}

/** The first periodic check comes this soon after start, or at the interval if shorter. */
const FIRST_CHECK_MS = 60_000

/** The collector's order path: counters on /metrics, the applier (unless turned off) and the reconciliation. */
export function startOrders(config: Config, deps: { storage: Storage; metrics: Metrics; logger: Logger; journalDir: string }): OrdersRuntime {
  const counters = new OrderCounters()
  registerOrderMetrics(deps.metrics, counters)
  const leaseTtlMs = config.orders.leaseTtlMs ?? Math.max(10_000, 4 * config.clickhouse.requestTimeoutMs)
  const applier = config.orders.applier ? new OrdersApplier({ ...deps, counters, leaseTtlMs }) : undefined
  const reconciler = new Reconciler(deps.storage.client, deps.storage.database)
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  const counted = (report: ReconcileReport): ReconcileReport => {
    counters.reconcileDifferences = report.repair ? report.repair.remaining : report.differences
    counters.reconcileRuns++
    return report
  }
  // A check reads without holding the applier up (a recompute takes a while at millions
  // of orders); a block applied meanwhile can show as a difference, so one found is
  // confirmed between applier rounds. A repair always runs between rounds.
  const check = async (): Promise<ReconcileReport> => {
    const first = await reconciler.check()
    return first.differences > 0 && applier?.applying ? applier.between(() => reconciler.check()) : first
  }
  const reconcile: OrdersRuntime['reconcile'] = async ({ repair }) => {
    if (repair && applier?.applying) return { ...counted(await applier.between(() => reconciler.repair())), applier: true }
    if (repair) throw new NotApplierError('a repair runs on the collector that applies orders (it holds the applier lease; see tally_order_applier_active)')
    return { ...counted(await check()), applier: !!applier?.applying }
  }

  // The periodic check: only where orders are applied (one scan per ClickHouse, not one per collector).
  const every = config.orders.reconcileIntervalMs
  const periodic = async () => {
    try {
      if (!applier!.applying) throw new NotApplierError('standing by')
      const report = counted(await check())
      if (report.differences > 0) deps.logger.warn('order rollups differ from their recomputation; run tally-collector orders reconcile --repair', { differences: report.differences })
    } catch (err) {
      if (!(err instanceof NotApplierError)) deps.logger.warn('order reconciliation failed; will retry at the next interval', { error: (err as Error).message })
    }
    if (!stopped) timer = setTimeout(periodic, every).unref()
  }

  return {
    counters,
    wake: () => applier?.wake(),
    accepted: (n) => void (counters.versionsAccepted += n),
    reconcile,
    start: () => {
      applier?.start()
      if (applier && every > 0) timer = setTimeout(periodic, Math.min(every, FIRST_CHECK_MS)).unref()
    },
    stop: async (timeoutMs) => {
      stopped = true
      clearTimeout(timer)
      await applier?.stop(timeoutMs)
    },
  }
}
