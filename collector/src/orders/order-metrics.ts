import type { Metrics } from '../metrics/metrics.js'

/** What the order path counts; exposed on /metrics through {@link registerOrderMetrics}. */
export class OrderCounters {
  versionsAccepted = 0
  versionsApplied = 0
  /** Same version as the applied one, other content: the first applied stands. */
  conflicts = 0
  /** Older than the applied version: ignored. */
  stale = 0
  applierErrors = 0
  /** 1 while this collector holds the applier lease. */
  applying = 0
  /** Groups that differed at the last reconciliation (−1: never run). */
  reconcileDifferences = -1
  /** Reconciliations run here (periodic and on request). */
  reconcileRuns = 0
}

export function registerOrderMetrics(metrics: Metrics, c: OrderCounters): void {
  // Registered as gauges read on demand: metrics.ts renders counters only for its own fields.
  metrics.gauge('tally_order_versions_accepted', 'Order versions acknowledged (a counter).', () => c.versionsAccepted)
  metrics.gauge('tally_order_versions_applied', 'Order versions applied to the ledger by this collector (a counter).', () => c.versionsApplied)
  metrics.gauge('tally_order_version_conflicts', 'Versions equal to the applied one with other content; the first applied stands (a counter).', () => c.conflicts)
  metrics.gauge('tally_order_versions_stale', 'Versions older than the applied one, ignored (a counter).', () => c.stale)
  metrics.gauge('tally_order_applier_errors', 'Failed applier rounds, each retried (a counter).', () => c.applierErrors)
  metrics.gauge('tally_order_applier_active', '1 while this collector holds the order applier lease.', () => c.applying)
  metrics.gauge('tally_order_reconcile_differences', 'Rollup groups that differ from a recomputation from the orders\' states, at the last reconciliation here (after its repair, if any; -1: not run yet).', () => c.reconcileDifferences)
  metrics.gauge('tally_order_reconcile_runs', 'Reconciliations run by this collector, periodic and on request (a counter).', () => c.reconcileRuns)
}
