import type { ClickHouseClient } from '@clickhouse/client'
import type { DashboardQuery } from './queries/query.js'
import { totals } from './queries/totals.js'
import { totalsFiltered } from './queries/totals-filtered.js'
import { engagement } from './queries/engagement.js'
import { engagementFiltered } from './queries/engagement-filtered.js'
import { series } from './queries/series.js'
import { seriesFiltered } from './queries/series-filtered.js'
import { revenueTotals } from './queries/revenue-totals.js'
import { revenueSeries } from './queries/revenue-series.js'
import { live } from './queries/live.js'
import { pages } from './queries/pages.js'
import { entryExitPages } from './queries/entry-exit-pages.js'
import { entryExitFiltered } from './queries/entry-exit-filtered.js'
import { sources } from './queries/sources.js'
import { tech } from './queries/tech.js'
import { geo } from './queries/geo.js'
import { breakdownFiltered } from './queries/breakdown-filtered.js'
import { customEvents } from './queries/custom-events.js'
import { customEventsFiltered } from './queries/custom-events-filtered.js'
import { provinces } from './queries/provinces.js'
import { cabinets } from './queries/cabinets.js'

/** One panel of the analytics page: the query it runs and its own parameters. */
export interface PanelPlan {
  panel: string
  query: DashboardQuery
  params: Record<string, unknown>
}

const LIMIT = 10

/**
 * The analytics page's panels. Unfiltered, every panel reads a rollup (live visitors
 * excepted: the last five minutes of raw events). With an event filter, the traffic
 * panels read raw `events`; the revenue panels stay on their rollups (orders carry no
 * visitor), filtered only by province and cabinet.
 */
export function analyticsPanels(eventFiltered: boolean): PanelPlan[] {
  const f = eventFiltered
  const by = (panel: string, rollup: DashboardQuery, raw: DashboardQuery, name: string, limit = LIMIT): PanelPlan => ({
    panel,
    query: f ? raw : rollup,
    params: { by: name, limit },
  })
  return [
    { panel: 'totals', query: f ? totalsFiltered : totals, params: {} },
    { panel: 'engagement', query: f ? engagementFiltered : engagement, params: {} },
    { panel: 'series', query: f ? seriesFiltered : series, params: {} },
    { panel: 'live', query: live, params: {} },
    { panel: 'revenue_totals', query: revenueTotals, params: {} },
    { panel: 'revenue_series', query: revenueSeries, params: {} },
    f ? by('pages', pages, breakdownFiltered, 'page') : { panel: 'pages', query: pages, params: { limit: LIMIT } },
    by('entry_pages', entryExitPages, entryExitFiltered, 'entry'),
    by('exit_pages', entryExitPages, entryExitFiltered, 'exit'),
    by('channels', sources, breakdownFiltered, 'channel'),
    by('referrers', sources, breakdownFiltered, 'referrer'),
    by('utm_sources', sources, breakdownFiltered, 'utm_source'),
    by('utm_mediums', sources, breakdownFiltered, 'utm_medium'),
    by('utm_campaigns', sources, breakdownFiltered, 'utm_campaign'),
    by('countries', geo, breakdownFiltered, 'country'),
    by('regions', geo, breakdownFiltered, 'region'),
    by('browsers', tech, breakdownFiltered, 'browser'),
    by('os', tech, breakdownFiltered, 'os'),
    by('devices', tech, breakdownFiltered, 'device'),
    { panel: 'custom_events', query: f ? customEventsFiltered : customEvents, params: { limit: LIMIT } },
    { panel: 'provinces', query: provinces, params: { limit: LIMIT } },
    { panel: 'cabinets', query: cabinets, params: { limit: LIMIT } },
  ]
}

/** Runs panels with the shared parameters; answers `{ panel: rows }` and which source each read. */
export async function runPanels(
  client: ClickHouseClient,
  db: string,
  plans: PanelPlan[],
  shared: Record<string, unknown>,
): Promise<{ panels: Record<string, unknown[]>; reads: Record<string, string> }> {
  const results = await Promise.all(
    plans.map(async (p) => {
      const result = await client.query({ query: p.query.sql(db), query_params: { ...shared, ...p.params }, format: 'JSONEachRow' })
      return [p.panel, await result.json()] as const
    }),
  )
  return {
    panels: Object.fromEntries(results) as Record<string, unknown[]>,
    reads: Object.fromEntries(plans.map((p) => [p.panel, p.query.reads])),
  }
}
