import type { Storage } from '../storage/client.js'
import { findStoredIds } from '../storage/find-stored-ids.js'
import { TABLES, table } from '../storage/tables.js'
import { EVENT_COLUMNS, EVENT_ID, EVENT_SITE, EVENT_TS } from '../storage/rows.js'
import type { Spool, Segment } from '../spool/spool.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Logger } from '../logger.js'
import { writerBackoffMs } from './backoff.js'
import { collectRows, type CollectedRows } from './collect-rows.js'
import { InsertJournal, type PlannedInsert } from './insert-journal.js'
import { insertOrderVersions } from '../orders/insert-order-versions.js'

export interface WriterOptions {
  spool: Spool
  /** Folder for the insert journal (the spool's folder). */
  journalDir: string
  storage: Storage
  metrics: Metrics
  logger: Logger
  /** Seal and write the active segment once its oldest record is this old. */
  flushIntervalMs: number
  /** Longest pause between retries of a failed round. */
  maxBackoffMs: number
  /** Segments per round: bigger inserts, fewer parts. Default 8. */
  segmentsPerRound?: number
  /** Called after a round inserted order versions (wakes the order applier). */
  onOrders?: () => void
}

/**
 * Drains the spool into ClickHouse. A round: read sealed segments, drop ids already
 * stored (client retries), journal the planned insert, insert it in one JSONEachRow
 * insert with a deduplication token, and only then delete the segments. A failed round
 * is retried with backoff; a journalled round is replayed first after a restart.
 */
export class Writer {
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  private failures = 0
  private readonly journal: InsertJournal
  lastError: string | undefined

  constructor(private readonly opts: WriterOptions) {
    this.journal = new InsertJournal(opts.journalDir)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /** Stops the loop, then writes everything left in the spool (shutdown). */
  async drain(deadlineMs: number): Promise<boolean> {
    this.running = false
    this.wake?.()
    await this.loop
    const until = Date.now() + deadlineMs
    await this.opts.spool.seal()
    while (this.hasWork() && Date.now() < until) {
      if (!(await this.round())) await sleep(Math.min(1000, writerBackoffMs(this.failures, this.opts.maxBackoffMs)))
    }
    return !this.hasWork()
  }

  private hasWork(): boolean {
    return this.opts.spool.segments().length > 0 || this.journal.read() !== undefined
  }

  private async run(): Promise<void> {
    const tick = Math.max(20, Math.floor(this.opts.flushIntervalMs / 4))
    while (this.running) {
      await this.opts.spool.seal(this.opts.flushIntervalMs)
      if (!this.hasWork()) {
        await this.pause(tick)
        continue
      }
      // No backoff pause once shutdown began: drain() takes over at once.
      if (!(await this.round()) && this.running) await this.pause(writerBackoffMs(this.failures, this.opts.maxBackoffMs))
    }
  }

  /** One insert: a journalled one left by a crash, else up to `segmentsPerRound` segments. */
  private async round(): Promise<boolean> {
    try {
      const pending = this.journal.read()
      if (pending) await this.replay(pending)
      else await this.writeNext(this.opts.spool.segments().slice(0, this.opts.segmentsPerRound ?? 8))
      this.failures = 0
      this.lastError = undefined
      return true
    } catch (err) {
      this.failures++
      this.opts.metrics.writerErrors++
      this.lastError = err instanceof Error ? err.message : String(err)
      this.opts.logger.warn('writer round failed; will retry', { attempt: this.failures, error: this.lastError })
      return false
    }
  }

  private async writeNext(segments: Segment[]): Promise<void> {
    const rows = await collectRows(this.opts.spool, segments)
    const stored = await this.storedIds(rows)
    const plan = await this.journal.write(
      segments.map((s) => s.seq),
      [...stored],
    )
    await this.insert(plan, rows)
    await this.finish(segments)
  }

  private async replay(plan: PlannedInsert): Promise<void> {
    const segments = this.opts.spool.segments().filter((s) => plan.seqs.includes(s.seq))
    // Segments are deleted only after a successful insert: if some are gone, it succeeded.
    if (segments.length === plan.seqs.length) {
      this.opts.logger.info('replaying the insert that was in flight at the last stop', { segments: plan.seqs.length })
      await this.insert(plan, await collectRows(this.opts.spool, segments))
    }
    await this.finish(segments)
  }

  private async finish(segments: Segment[]): Promise<void> {
    for (const segment of segments) await this.opts.spool.remove(segment)
    await this.journal.clear()
  }

  private async insert(plan: PlannedInsert, rows: CollectedRows): Promise<void> {
    const { storage, metrics } = this.opts
    const excluded = new Set(plan.excluded)
    const fresh = excluded.size === 0 ? rows.events : rows.events.filter((r) => !excluded.has(r[EVENT_ID] as string))
    metrics.eventsDuplicate += rows.repeats + rows.events.length - fresh.length
    const settings = (token: string) => ({ insert_deduplication_token: token, deduplicate_blocks_in_dependent_materialized_views: 1 as const })
    if (fresh.length > 0) {
      const started = performance.now()
      await storage.client.insert({
        table: table(storage.database, TABLES.events),
        values: fresh,
        format: 'JSONCompactEachRow',
        columns: [...EVENT_COLUMNS],
        clickhouse_settings: settings(plan.token),
      })
      metrics.insertLatency(performance.now() - started)
      metrics.eventsWritten += fresh.length
    }
    await insertOrderVersions(storage, rows.orders, plan.token)
    if (rows.orders.length > 0) this.opts.onOrders?.()
    for (const [i, rejected] of rows.rejected.entries()) {
      if (rejected.length === 0) continue
      await storage.client.insert({ table: table(storage.database, TABLES.rejectedEvents), values: rejected, format: 'JSONEachRow', clickhouse_settings: settings(`${plan.token}:rejected:${i}`) })
    }
  }

  private async storedIds(rows: CollectedRows): Promise<Set<string>> {
    if (rows.events.length === 0) return new Set()
    let minTs = Infinity
    let maxTs = -Infinity
    const sites = new Set<string>()
    for (const row of rows.events) {
      const ts = row[EVENT_TS] as number
      if (ts < minTs) minTs = ts
      if (ts > maxTs) maxTs = ts
      sites.add(row[EVENT_SITE] as string)
    }
    const ids = rows.events.map((r) => r[EVENT_ID] as string)
    return findStoredIds(this.opts.storage.client, this.opts.storage.database, { siteIds: [...sites], ids, minTs, maxTs })
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
