/** The answer of `GET /v1/dashboard` (numbers arrive as JSON numbers or decimal text). */
export type Num = number | string

export interface Row {
  label: string
  visitors?: Num
  pageviews?: Num
  visits?: Num
  events?: Num
  conversion_rate?: Num
  country_code?: string
  province?: string
  currency?: string
  revenue?: string
  orders?: Num
}

export interface DashboardAnswer {
  site: string
  sites: { id: string; name: string; timezone: string }[]
  tz: string
  from: string
  to: string
  hourly: 0 | 1
  eventFiltered: boolean
  reads: Record<string, string>
  totals: Record<string, Num>[]
  engagement: Record<string, Num>[]
  live: Record<string, Num>[]
  series: { t: Num; pageviews: Num; visitors: Num; visits: Num }[]
  revenue_totals: { currency: string; revenue: string; orders: Num; prev_revenue: string; prev_orders: Num }[]
  revenue_series: { t: Num; currency: string; revenue: string; orders: Num }[]
  version: DataVersion
  [panel: string]: unknown
}

/** A site's data version (`/v1/dashboard/changes`, and the one a `/v1/dashboard` answer was read at). */
export interface DataVersion {
  events: Num
  order_changes: Num
}

export const versionKey = (v: DataVersion | undefined): string => (v ? `${v.events}/${v.order_changes}` : '')
