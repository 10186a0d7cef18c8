import { createHash, randomUUID } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'
import { ORDER_TABLES, REVENUE_ROLLUPS, orderTable, type RevenueRollup } from './order-tables.js'
import { ledgerDifferencesQuery, rollupDifferencesQuery, type DifferenceRow } from './reconcile-sql.js'
import type { LedgerRow } from './order-rows.js'

/** Sums of one rollup group (exact decimal text; orders an integer as text). */
export interface GroupSums {
  revenue: string
  orders: string
  refunded: string
}

/** One rollup group that differs from the recomputation. */
export interface GroupDifference {
  rollup: RevenueRollup
  /** The group's key: site_id, day or hour, province, cabinet, currency (those the rollup has). */
  key: Record<string, string>
  expected: GroupSums
  actual: GroupSums
}

export interface ReconcileReport {
  /** When the check ran (ISO 8601). */
  checkedAt: string
  /** Rollup groups that differed from the recomputation (before a repair, if any). */
  differences: number
  /** The first of them, at most {@link LISTED}. */
  groups: GroupDifference[]
  /** With repair: rows written (ledger rows of sign 0; rows straight into a rollup whose own table was damaged) and groups still differing after. */
  repair?: { ledgerRows: number; rollupRows: number; remaining: number }
}

/** Differences listed in a report; the count covers all of them. */
export const LISTED = 100

const ZERO_UUID = '00000000-0000-0000-0000-000000000000'

/**
 * Recomputes every revenue rollup from the orders' applied states and compares, group by
 * group (reconcile-sql.ts). A repair makes each rollup equal the recomputation exactly:
 * first ledger rows of sign 0 for the differences between the ledger's sums and the
 * recomputation at the finest grain (site, hour, province, cabinet, currency), which the
 * views carry into all five rollups, as any ledger row; then, for a rollup whose own
 * table was damaged (it still differs while the ledger agrees), rows straight into it.
 * Running it again finds nothing and writes nothing. The caller runs it while nothing
 * else writes the ledger (between applier rounds: see OrdersApplier.between).
 */
export class Reconciler {
  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
  ) {}

  async check(): Promise<ReconcileReport> {
    const all = await this.rollupDifferences()
    return { checkedAt: new Date().toISOString(), differences: all.length, groups: all.slice(0, LISTED) }
  }

  async repair(): Promise<ReconcileReport> {
    const before = await this.check()
    if (before.differences === 0) return { ...before, repair: { ledgerRows: 0, rollupRows: 0, remaining: 0 } }
    const ledgerRows = (await this.rows<DifferenceRow>(ledgerDifferencesQuery(this.database))).map(repairLedgerRow)
    await this.insert(orderTable(this.database, ORDER_TABLES.ledger), ledgerRows)
    let rollupRows = 0
    for (const d of await this.rollupDifferences()) {
      await this.insert(orderTable(this.database, d.rollup), [{ ...d.key, ...delta(d) }])
      rollupRows++
    }
    const remaining = (await this.rollupDifferences()).length
    return { ...before, repair: { ledgerRows: ledgerRows.length, rollupRows, remaining } }
  }

  private async rollupDifferences(): Promise<GroupDifference[]> {
    const found: GroupDifference[] = []
    for (const rollup of Object.keys(REVENUE_ROLLUPS) as RevenueRollup[]) {
      for (const row of await this.rows<DifferenceRow>(rollupDifferencesQuery(this.database, rollup))) {
        const key = Object.fromEntries(REVENUE_ROLLUPS[rollup].map((k) => [k, String(row[k as keyof DifferenceRow])]))
        found.push({
          rollup,
          key,
          expected: { revenue: row.expected_revenue, orders: row.expected_orders, refunded: row.expected_refunded },
          actual: { revenue: row.actual_revenue, orders: row.actual_orders, refunded: row.actual_refunded },
        })
      }
    }
    return found
  }

  private async rows<T>(query: string): Promise<T[]> {
    return (await this.client.query({ query, format: 'JSONEachRow' })).json<T>()
  }

  /** A fresh token per write: a retried insert is recognised, a later repair of the same shape is not mistaken for it. */
  private async insert(table: string, values: object[]): Promise<void> {
    if (values.length === 0) return
    await this.client.insert({
      table,
      values,
      format: 'JSONEachRow',
      clickhouse_settings: { insert_deduplication_token: randomUUID(), deduplicate_blocks_in_dependent_materialized_views: 1 },
    })
  }
}

function delta(d: GroupDifference): GroupSums {
  return { revenue: subtract(d.expected.revenue, d.actual.revenue), orders: String(BigInt(d.expected.orders) - BigInt(d.actual.orders)), refunded: subtract(d.expected.refunded, d.actual.refunded) }
}

/** a − b on Decimal text (at most 4 decimals, as stored), exactly. */
function subtract(a: string, b: string): string {
  const units = (t: string) => {
    const [int, frac = ''] = t.replace('-', '').split('.')
    const v = BigInt(int! + frac.padEnd(4, '0'))
    return t.startsWith('-') ? -v : v
  }
  const d = units(a) - units(b)
  const abs = (d < 0n ? -d : d).toString().padStart(5, '0')
  return `${d < 0n ? '-' : ''}${abs.slice(0, -4)}.${abs.slice(-4)}`
}

/** A ledger row of sign 0 carrying a group's difference: not an order (order_id ''), status 'repair'. */
function repairLedgerRow(d: DifferenceRow): LedgerRow {
  const startedAt = Date.parse(`${d.hour!.replace(' ', 'T')}Z`)
  const content = JSON.stringify([d.site_id, d.hour, d.province, d.cabinet, d.currency, d.delta_revenue, d.delta_orders, d.delta_refunded])
  return {
    site_id: d.site_id,
    order_id: '',
    version: 0,
    sign: 0,
    event_id: ZERO_UUID,
    status: 'repair',
    province: d.province!,
    cabinet: d.cabinet!,
    started_at: startedAt,
    ended_at: null,
    currency: d.currency,
    price_per_hour: '',
    amount: '0',
    orders: Number(d.delta_orders),
    revenue: d.delta_revenue,
    refunded: d.delta_refunded,
    content_hash: createHash('sha256').update(content).digest('hex').slice(0, 32),
    props: {},
    received_at: Date.now(),
    source_inserted_at: Date.now() * 1000,
  }
}
