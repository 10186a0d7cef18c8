/** The order tables (migrations 008_orders*.sql), qualified with the configured database. */
export const ORDER_TABLES = {
  versions: 'order_versions',
  ledger: 'order_ledger',
  state: 'orders_state',
  lease: 'orders_applier_lease',
} as const

/** The rollups and the key columns of each (reconciliation compares them group by group). */
export const REVENUE_ROLLUPS = {
  revenue_by_cabinet_hourly: ['site_id', 'hour', 'province', 'cabinet', 'currency'],
  revenue_by_cabinet_daily: ['site_id', 'day', 'province', 'cabinet', 'currency'],
  revenue_by_province_hourly: ['site_id', 'hour', 'province', 'currency'],
  revenue_by_province_daily: ['site_id', 'day', 'province', 'currency'],
  revenue_daily: ['site_id', 'day', 'currency'],
} as const

export type RevenueRollup = keyof typeof REVENUE_ROLLUPS

export function orderTable(database: string, name: (typeof ORDER_TABLES)[keyof typeof ORDER_TABLES] | RevenueRollup): string {
  return `${database}.${name}`
}
