import type { Storage } from '../storage/client.js'
import { TABLES, table } from '../storage/tables.js'
import { EVENT_COLUMNS, EVENT_ID, EVENT_RECEIVED_AT, EVENT_SITE, type EventTuple, type RejectedRow } from '../storage/rows.js'
import { LIMITS } from '../protocol/limits.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Logger } from '../logger.js'
import { engineErrorType, errorMessage } from './classify-error.js'
import { eventKey, tupleKey, type CollectedRows } from './collect-rows.js'
import { insertIsolating, ONE_BLOCK_SETTINGS, type RefusedRow } from './insert-block.js'
import type { PlannedInsert } from './insert-journal.js'

export interface StoreContext {
  storage: Storage
  metrics: Metrics
  logger: Logger
  /** Aborts an insert in flight (the drain deadline). */
  signal: AbortSignal
}

/** Longest engine message kept with a quarantined row. */
const MESSAGE_CHARS = 2_000

/**
 * Stores one planned round: the events not excluded by the plan (isolating the ones
 * the engine refuses, which go to `rejected_events` as `engine:<ERROR_TYPE>` with the
 * engine's message), then the rows refused by validation. Deterministic for a given
 * plan and rows, so a replay sends the same blocks under the same tokens.
 */
export async function storeRound(ctx: StoreContext, plan: PlannedInsert, rows: CollectedRows): Promise<void> {
  const { metrics } = ctx
  const isExcluded = excludedMatcher(plan.excluded)
  const fresh = plan.excluded.length === 0 ? rows.events : rows.events.filter((r) => !isExcluded(r))
  metrics.eventsDuplicate += rows.repeats + rows.events.length - fresh.length
  const refused = await insertIsolating({ rows: fresh, token: plan.token, insert: (values, token) => insertEvents(ctx, values, token) })
  metrics.eventsWritten += fresh.length - refused.length
  const quarantined = refused.map(quarantineRow)
  for (const row of quarantined) metrics.quarantined(row.reason)
  if (quarantined.length > 0) ctx.logger.warn('events refused by ClickHouse, quarantined in rejected_events', { count: quarantined.length, reason: quarantined[0]!.reason, message: quarantined[0]!.message })
  const lists = [...rows.rejected.map((list, i) => [list, `${plan.token}:rejected:${i}`] as const), [quarantined, `${plan.token}:quarantined`] as const]
  for (const [list, token] of lists) await storeRejected(ctx, list, token)
}

/** Rows into `rejected_events` under `token`; a row the engine still refuses is logged, counted and dropped. */
export async function storeRejected(ctx: StoreContext, list: RejectedRow[], token: string): Promise<void> {
  if (list.length === 0) return
  const lost = await insertIsolating({ rows: list.map(wellFormedRejected), token, insert: (values, t) => insertRejected(ctx, values, t) })
  // Well-formed text of bounded size should never be refused; if it is, say so and move on.
  for (const { row, error } of lost) ctx.logger.error('rejected_events refused a row; dropped', { site: row.site_id, reason: row.reason, error: errorMessage(error) })
  ctx.metrics.rejectedRowsDropped += lost.length
}

async function insertEvents(ctx: StoreContext, values: EventTuple[], token: string): Promise<void> {
  const started = performance.now()
  await ctx.storage.client.insert({
    table: table(ctx.storage.database, TABLES.events),
    values,
    format: 'JSONCompactEachRow',
    columns: [...EVENT_COLUMNS],
    clickhouse_settings: settings(token),
    abort_signal: ctx.signal,
  })
  ctx.metrics.insertLatency(performance.now() - started)
}

async function insertRejected(ctx: StoreContext, values: RejectedRow[], token: string): Promise<void> {
  await ctx.storage.client.insert({
    table: table(ctx.storage.database, TABLES.rejectedEvents),
    values,
    format: 'JSONEachRow',
    clickhouse_settings: settings(token),
    abort_signal: ctx.signal,
  })
}

function settings(token: string) {
  return { ...ONE_BLOCK_SETTINGS, insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 as const }
}

function quarantineRow({ row, error }: RefusedRow<EventTuple>): RejectedRow {
  const event = Object.fromEntries(EVENT_COLUMNS.map((column, i) => [column, row[i]]))
  return {
    site_id: row[EVENT_SITE] as string,
    received_at: row[EVENT_RECEIVED_AT] as number,
    reason: `engine:${engineErrorType(error)}`,
    message: errorMessage(error).slice(0, MESSAGE_CHARS),
    payload: JSON.stringify(event).slice(0, LIMITS.bytesPerEvent),
  }
}

/** Lone surrogates (e.g. a 32 KB cut through a pair) become U+FFFD: the engine refuses them. */
function wellFormedRejected(row: RejectedRow): RejectedRow {
  const text = (s: string) => String(s).replace(/\p{Cs}/gu, '\uFFFD')
  return { ...row, site_id: text(row.site_id), reason: text(row.reason), payload: text(row.payload), message: text(row.message ?? '') }
}

/** `excluded` holds [site, id] pairs; a journal of the previous version holds bare ids. */
function excludedMatcher(excluded: PlannedInsert['excluded']): (row: EventTuple) => boolean {
  const keys = new Set<string>()
  const bareIds = new Set<string>()
  for (const e of excluded) {
    if (typeof e === 'string') bareIds.add(e)
    else keys.add(eventKey(e[0], e[1]))
  }
  return (row) => keys.has(tupleKey(row)) || bareIds.has(row[EVENT_ID] as string)
}
