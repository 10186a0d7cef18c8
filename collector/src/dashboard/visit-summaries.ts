import type { ClickHouseClient } from '@clickhouse/client'

/** A closed (site, UTC day) whose visit summary is missing or stale, with its stamp now. */
export interface SummaryCandidate {
  site_id: string
  day: string
  /** traffic_daily's sum(events) for the day (UInt64 as a decimal string). */
  stamp: string
}

/**
 * The days `oldest`…`newest` whose traffic_daily sum(events) differs from every summary's
 * stamp (or that have none), newest first: the ones a reader would read per visit.
 */
export async function staleSummaryDays(
  client: ClickHouseClient,
  db: string,
  range: { oldest: string; newest: string; limit: number },
): Promise<SummaryCandidate[]> {
  const result = await client.query({
    query: `
      SELECT site_id, toString(day) AS day, toString(stamp) AS stamp
      FROM (SELECT site_id, day, sum(events) AS stamp FROM ${db}.traffic_daily
            WHERE day BETWEEN {oldest:Date} AND {newest:Date} GROUP BY site_id, day)
      WHERE (site_id, day, stamp) NOT IN (SELECT site_id, day, stamp FROM ${db}.visit_summaries_daily
                                          WHERE day BETWEEN {oldest:Date} AND {newest:Date})
      ORDER BY day DESC, site_id LIMIT {limit:UInt32}`,
    query_params: range,
    format: 'JSONEachRow',
  })
  return result.json<SummaryCandidate>()
}

/**
 * Computes one day's summary from the per-visit rollups and stores it under `stamp`, in
 * one INSERT … SELECT: one row, one block, so it is visible whole or not at all. The
 * definitions are those of the per-visit panel queries (visit-engagement.ts, visit-pages.ts).
 */
export async function computeSummary(client: ClickHouseClient, db: string, day: SummaryCandidate): Promise<void> {
  await client.command({
    query: `
      INSERT INTO ${db}.visit_summaries_daily
        (site_id, day, stamp, visits, bounces, duration_ms, entry_paths, entry_visits, exit_paths, exit_visits, computed_at)
      SELECT {site_id:String}, {day:Date}, {stamp:UInt64}, v.visits, v.bounces, v.duration_ms,
             p.entries.1, p.entries.2, p.exits.1, p.exits.2, now64(3)
      FROM (SELECT count() AS visits, countIf(pageviews = 1) AS bounces, sum(dateDiff('millisecond', started, ended)) AS duration_ms
            FROM ${db}.sessions_daily FINAL
            WHERE site_id = {site_id:String} AND day = {day:Date} AND pageviews > 0) AS v
      CROSS JOIN
           (SELECT sumMap([finalizeAggregation(entry)], [toUInt64(1)]) AS entries,
                   sumMap([finalizeAggregation(exit)], [toUInt64(1)]) AS exits
            FROM ${db}.session_pages_daily FINAL
            WHERE site_id = {site_id:String} AND day = {day:Date}) AS p`,
    query_params: { ...day },
  })
}
