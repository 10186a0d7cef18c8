import type { OrderVersionRow } from './order-version.js'

/** An order version as read back from `order_versions`, with its insertion time (µs). */
export interface InboxRow extends OrderVersionRow {
  inserted_at: number
}

/** An order's applied state (`orders_state`): the version that counts, and what it counts for. */
export interface StateRow extends OrderVersionRow {
  /** `inserted_at` of the inbox row that was applied (µs). */
  source_inserted_at: number
}

/** One row of `order_ledger`: +1 a version applied, −1 the retraction of the one it replaced, 0 a repair. */
export interface LedgerRow extends StateRow {
  sign: 1 | -1 | 0
}

export const orderKey = (site: string, order: string): string => `${site}\u0000${order}`

/** Columns of an order version as text JSON carries exactly. Aliases differ from column names: ClickHouse would apply an alias inside WHERE too. */
export const VERSION_SELECT = `site_id, order_id, toString(version) AS version, toString(event_id) AS event_id, status, province, cabinet,
  toString(toUnixTimestamp64Milli(started_at)) AS started_ms,
  if(isNull(ended_at), NULL, toString(toUnixTimestamp64Milli(assumeNotNull(ended_at)))) AS ended_ms,
  currency, price_per_hour, toString(amount) AS amount, toString(orders) AS orders, toString(revenue) AS revenue,
  toString(refunded) AS refunded, content_hash, props, toString(toUnixTimestamp64Milli(received_at)) AS received_ms`

type Raw<T> = { [K in keyof T]: T[K] extends number ? string : T[K] extends number | null ? string | null : T[K] }

/** Numbers back from their text form (64-bit integers are quoted in server answers). */
export function fromRaw<T extends OrderVersionRow>(raw: Raw<T>, extra: (keyof T)[] = []): T {
  const { started_ms, ended_ms, received_ms, ...row } = raw as unknown as Record<string, unknown>
  for (const k of ['version', 'orders', ...extra] as string[]) row[k] = Number(row[k])
  return { ...row, started_at: Number(started_ms), ended_at: ended_ms === null ? null : Number(ended_ms), received_at: Number(received_ms) } as T
}
