import type { Config } from '../config/schema.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Storage } from '../storage/client.js'
import { OrdersApplier } from './applier.js'
import { OrderCounters, registerOrderMetrics } from './order-metrics.js'

export interface OrdersRuntime {
  counters: OrderCounters
  /** The writer inserted order versions. */
  wake: () => void
  /** The batch route acknowledged `n` order versions. */
  accepted: (n: number) => void
  start: () => void
  stop: () => Promise<void>
}

/** The collector's order path: counters on /metrics and, unless turned off, the applier. */
export function startOrders(config: Config, deps: { storage: Storage; metrics: Metrics; logger: Logger; journalDir: string }): OrdersRuntime {
  const counters = new OrderCounters()
  registerOrderMetrics(deps.metrics, counters)
  const leaseTtlMs = config.orders.leaseTtlMs ?? Math.max(10_000, 4 * config.clickhouse.requestTimeoutMs)
  const applier = config.orders.applier ? new OrdersApplier({ ...deps, counters, leaseTtlMs }) : undefined
  return {
    counters,
    wake: () => applier?.wake(),
    accepted: (n) => void (counters.versionsAccepted += n),
    start: () => applier?.start(),
    stop: async () => applier?.stop(),
  }
}
