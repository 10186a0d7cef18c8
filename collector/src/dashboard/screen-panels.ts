import type { PanelPlan } from './panels.js'
import { totals } from './queries/totals.js'
import { revenueTotals } from './queries/revenue-totals.js'
import { series } from './queries/series.js'
import { revenueSeries } from './queries/revenue-series.js'
import { provincesToday } from './queries/provinces-today.js'
import { cabinetsToday } from './queries/cabinets-today.js'
import { orderTicker } from './queries/order-ticker.js'

/**
 * The big screen's panels, for today in the site's time zone. Each number comes from
 * one table with its breakdown (revenue counter, province bars and revenue chart from
 * revenue_by_province_hourly; visitors, page views and their chart from the breakdown
 * rollups, for one day one grain: daily in UTC, hourly elsewhere), and an order's −1/+1
 * ledger rows are one insert, so a table never shows half of one.
 */
export function screenPanels(): PanelPlan[] {
  return [
    { panel: 'totals', query: totals, params: {} },
    { panel: 'revenue_totals', query: revenueTotals, params: {} },
    { panel: 'series', query: series, params: {} },
    { panel: 'revenue_series', query: revenueSeries, params: {} },
    { panel: 'provinces', query: provincesToday, params: { limit: 10 } },
    { panel: 'cabinets', query: cabinetsToday, params: { limit: 8 } },
    { panel: 'ticker', query: orderTicker, params: { limit: 8 } },
  ]
}
