/**
 * Order events on the wire, and a brute-force recomputation of every revenue rollup from
 * each order's final state, written independently of the collector's code (its own
 * rounding and decimal handling), to compare with what ClickHouse holds.
 */
export interface TestOrder {
  id: string
  version: number
  status: 'open' | 'completed' | 'refunded' | 'cancelled' | 'deleted'
  province: string
  cabinet: string
  started_at: number
  ended_at?: number
  price_per_hour?: string
  amount?: string
  refunded?: string
  currency: string
}

export function orderEvent(order: TestOrder, eventId: string = crypto.randomUUID()) {
  return { id: eventId, type: 'order', ts: Date.now(), order }
}

const EXPONENT: Record<string, number> = { CNY: 2, JPY: 0, KWD: 3, USD: 2 }

/** Exact value of a decimal text, in units of 10^-12. */
function pico(text: string): bigint {
  const [int, frac = ''] = text.split('.')
  return BigInt(int! + frac.padEnd(12, '0'))
}

/** Minor units of the order's amount, by searching the nearest integer (ties to even). */
function amountMinor(o: TestOrder): bigint {
  const exp = BigInt(EXPONENT[o.currency]!)
  if (o.amount !== undefined) return pico(o.amount) / 10n ** (12n - exp)
  // exact = ms × price / 3.6e6, in minor units: ms × pico(price) × 10^exp / (3.6e6 × 10^12)
  const num = BigInt(o.ended_at! - o.started_at) * pico(o.price_per_hour!) * 10n ** exp
  const den = 3_600_000n * 10n ** 12n
  let best = 0n
  for (let n = num / den - 1n; n <= num / den + 2n; n++) {
    const d = (x: bigint) => (x * den > num ? x * den - num : num - x * den)
    if (n >= 0n && (d(n) < d(best) || (d(n) === d(best) && n % 2n === 0n))) best = n
  }
  return best
}

export interface Contribution {
  orders: bigint
  /** In 10^-4 major units (Decimal(38, 4) as an integer). */
  revenue: bigint
  refunded: bigint
}

export function contribution(o: TestOrder): Contribution {
  if (o.status === 'cancelled' || o.status === 'deleted') return { orders: 0n, revenue: 0n, refunded: 0n }
  if (o.status === 'open') return { orders: 1n, revenue: 0n, refunded: 0n }
  const scale = 10n ** BigInt(4 - EXPONENT[o.currency]!)
  const amount = amountMinor(o)
  const refunded = o.refunded !== undefined ? pico(o.refunded) / 10n ** BigInt(12 - EXPONENT[o.currency]!) : o.status === 'refunded' ? amount : 0n
  return { orders: 1n, revenue: (amount - refunded) * scale, refunded: refunded * scale }
}

export const ROLLUP_KEYS: Record<string, (site: string, o: TestOrder) => string[]> = {
  revenue_by_cabinet_hourly: (s, o) => [s, hour(o.started_at), o.province, o.cabinet, o.currency],
  revenue_by_cabinet_daily: (s, o) => [s, day(o.started_at), o.province, o.cabinet, o.currency],
  revenue_by_province_hourly: (s, o) => [s, hour(o.started_at), o.province, o.currency],
  revenue_by_province_daily: (s, o) => [s, day(o.started_at), o.province, o.currency],
  revenue_daily: (s, o) => [s, day(o.started_at), o.currency],
}
const COLUMNS: Record<string, string> = {
  revenue_by_cabinet_hourly: "site_id, toString(hour), province, cabinet, currency",
  revenue_by_cabinet_daily: 'site_id, toString(day), province, cabinet, currency',
  revenue_by_province_hourly: 'site_id, toString(hour), province, currency',
  revenue_by_province_daily: 'site_id, toString(day), province, currency',
  revenue_daily: 'site_id, toString(day), currency',
}
function hour(ms: number): string {
  return new Date(Math.floor(ms / 3_600_000) * 3_600_000).toISOString().replace('T', ' ').slice(0, 19)
}
function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Expected rows of `rollup`, keyed by its key columns joined with '|', groups that sum to zero left out. */
export function expectedRollup(rollup: string, finals: { site: string; order: TestOrder }[]): Map<string, string> {
  const sums = new Map<string, Contribution>()
  for (const { site, order } of finals) {
    const key = ROLLUP_KEYS[rollup]!(site, order).join('|')
    const c = contribution(order)
    const s = sums.get(key) ?? { orders: 0n, revenue: 0n, refunded: 0n }
    sums.set(key, { orders: s.orders + c.orders, revenue: s.revenue + c.revenue, refunded: s.refunded + c.refunded })
  }
  const out = new Map<string, string>()
  for (const [key, s] of sums) if (s.orders || s.revenue || s.refunded) out.set(key, `${s.orders} ${s.revenue} ${s.refunded}`)
  return out
}

/** The query that reads `rollup` in the same shape (plain SQL: sum() … GROUP BY, no FINAL). */
export function rollupQuery(rollup: string): string {
  return `SELECT concat_ws('|', ${COLUMNS[rollup]}) AS k, toString(sum(orders)) AS o,
            toString(toInt256(sum(revenue) * 10000)) AS r, toString(toInt256(sum(refunded) * 10000)) AS f
          FROM tally.${rollup} GROUP BY k HAVING sum(orders) != 0 OR sum(revenue) != 0 OR sum(refunded) != 0`
}

export function asMap(rows: { k: string; o: string; r: string; f: string }[]): Map<string, string> {
  return new Map(rows.map((row) => [row.k, `${row.o} ${row.r} ${row.f}`]))
}

/** The final state per (site, order): the highest version sent. */
export function finalStates(sent: { site: string; order: TestOrder }[]): { site: string; order: TestOrder }[] {
  const finals = new Map<string, { site: string; order: TestOrder }>()
  for (const s of sent) {
    const key = `${s.site}\u0000${s.order.id}`
    const prev = finals.get(key)
    if (!prev || s.order.version > prev.order.version) finals.set(key, s)
  }
  return [...finals.values()]
}
