import type { ReadClient } from '../storage/read-pool.js'
import type { ViewParams } from './params.js'
import type { DashboardQuery } from './queries/query.js'
import type { RangeShape } from './queries/range-shape.js'
import { totals } from './queries/totals.js'
import { totalsFiltered } from './queries/totals-filtered.js'
import { engagementFiltered } from './queries/engagement-filtered.js'
import { series } from './queries/series.js'
import { seriesFiltered } from './queries/series-filtered.js'
import { revenueTotals } from './queries/revenue-totals.js'
import { revenueSeries } from './queries/revenue-series.js'
import { live } from './queries/live.js'
import { visitEngagement } from './queries/visit-engagement.js'
import { visitPages } from './queries/visit-pages.js'
import { entryExitFiltered } from './queries/entry-exit-filtered.js'
import { BREAKDOWN_DIMS, BREAKDOWN_PANELS, breakdowns } from './queries/breakdowns.js'
import { breakdownsFiltered } from './queries/breakdowns-filtered.js'
import { provinces } from './queries/provinces.js'
import { cabinets } from './queries/cabinets.js'

/** One panel of the analytics page: the query it runs and its own parameters. */
export interface PanelPlan {
  panel: string
  query: DashboardQuery
  params: Record<string, unknown>
  /** A query answering several panels: its rows' `dim` says which (dim → panel). */
  split?: Readonly<Record<string, string>>
  /** Its answer moves with the clock, not only with the data (live visitors): never kept (answer-cache.ts). */
  clocked?: true
}

const LIMIT = 10
/** Rows whose visitors a breakdown merges to find its top LIMIT (queries/breakdowns.ts). */
const CANDIDATES = 50

/**
 * The analytics page's panels. Unfiltered, every panel reads a rollup (live visitors
 * excepted: the last five minutes of raw events). With an event filter, the traffic
 * panels read raw `events`; the revenue panels stay on their rollups (orders carry no
 * visitor), filtered only by province and cabinet. The twelve breakdowns (pages,
 * sources, places, technology, custom events) are one query, one pass over their rows.
 */
export function analyticsPanels(eventFiltered: boolean): PanelPlan[] {
  const f = eventFiltered
  return [
    { panel: 'totals', query: f ? totalsFiltered : totals, params: {} },
    { panel: 'series', query: f ? seriesFiltered : series, params: {} },
    { panel: 'live', query: live, params: {}, clocked: true },
    { panel: 'revenue_totals', query: revenueTotals, params: {} },
    { panel: 'revenue_series', query: revenueSeries, params: {} },
    // One query for the twelve: as two run side by side (pages and sources; the rest), the
    // page took 5–12 % longer (each half reads and merges its candidates apart).
    { panel: 'breakdowns', query: f ? breakdownsFiltered : breakdowns, params: { dims: BREAKDOWN_DIMS, limit: LIMIT, candidates: CANDIDATES }, split: BREAKDOWN_PANELS },
    ...(f
      ? [
          { panel: 'engagement', query: engagementFiltered, params: {} },
          { panel: 'visit_pages', query: entryExitFiltered, params: { limit: LIMIT }, split: { entry: 'entry_pages', exit: 'exit_pages' } },
        ]
      : [
          { panel: 'engagement', query: visitEngagement, params: {} },
          { panel: 'visit_pages', query: visitPages, params: { limit: LIMIT }, split: { entry: 'entry_pages', exit: 'exit_pages' } },
        ]),
    { panel: 'provinces', query: provinces, params: { limit: LIMIT } },
    { panel: 'cabinets', query: cabinets, params: { limit: LIMIT } },
  ]
}

/** The rows of each panel, and which source each read. */
export interface PanelRows {
  panels: Record<string, unknown[]>
  reads: Record<string, string>
}

/**
 * Whether a view's panels scan every event of its range: an event filter without a page
 * filter (a page filter reads through the events_by_path projection). One such query
 * keeps both cores busy by itself: run side by side, a broad or goal filter's page took
 * 16–27 % longer than one query after another (test/bench/dashboard-queries.ts).
 */
export function scansEveryEvent(view: Pick<ViewParams, 'eventFiltered' | 'filters'>): boolean {
  return view.eventFiltered && view.filters.page.length === 0
}

/**
 * Runs panels with the shared parameters: at once (the embedded read sessions run up to
 * three together), or one after another with `oneAtATime` ({@link scansEveryEvent}).
 * The answer lists the panels in `plans` order whichever query ends first, so equal data
 * gives equal JSON (the big screen compares readings by it).
 */
export async function runPanels(
  client: Pick<ReadClient, 'query'>,
  db: string,
  plans: PanelPlan[],
  shared: Record<string, unknown>,
  shape?: RangeShape,
  { oneAtATime = false } = {},
): Promise<PanelRows> {
  const run = async (p: PanelPlan) => {
    const result = await client.query({ query: p.query.sql(db, shape), query_params: { ...shared, ...p.params }, format: 'JSONEachRow' })
    return result.json<Record<string, unknown>>()
  }
  const answers: Record<string, unknown>[][] = []
  if (oneAtATime) for (const p of plans) answers.push(await run(p))
  else answers.push(...(await Promise.all(plans.map(run))))
  const panels: Record<string, unknown[]> = {}
  const reads: Record<string, string> = {}
  plans.forEach((p, i) => {
    const rows = answers[i]!
    if (!p.split) {
      panels[p.panel] = rows
      reads[p.panel] = p.query.reads
      return
    }
    for (const panel of Object.values(p.split)) {
      panels[panel] = []
      reads[panel] = p.query.reads
    }
    for (const { dim, ...row } of rows) {
      const panel = p.split[String(dim)]
      if (panel) panels[panel]!.push(row)
    }
  })
  return { panels, reads }
}
