import type { Storage } from '../storage/client.js'
import { findStoredIds } from '../storage/find-stored-ids.js'
import { EVENT_ID, EVENT_SITE } from '../storage/rows.js'
import type { Spool, Segment } from '../spool/spool.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Logger } from '../logger.js'
import { writerBackoffMs } from './backoff.js'
import { errorMessage } from './classify-error.js'
import { collectRows, eventKey, tupleKey, type CollectedRows } from './collect-rows.js'
import { InsertJournal, type PlannedInsert } from './insert-journal.js'
import { storeRound, type StoreContext } from './store-round.js'
import { insertOrderVersions } from '../orders/insert-order-versions.js'
import { WakeablePause } from '../wakeable-pause.js'

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
 * Drains the spool into ClickHouse. A round: read sealed segments, drop (site, id)
 * pairs already stored (client retries), journal the planned insert, insert it with a
 * deduplication token (isolating rows the engine refuses, see store-round.ts), and
 * only then delete the segments. A failed round is retried with backoff; a journalled
 * round is replayed first, after a failure as after a restart.
 */
export class Writer {
  private running = false
  private loop: Promise<void> | undefined
  private readonly pause = new WakeablePause()
  private failures = 0
  /** Aborts whatever is in flight once the drain deadline is reached. */
  private readonly abort = new AbortController()
  private readonly journal: InsertJournal
  lastError: string | undefined

  constructor(private readonly opts: WriterOptions) {
    this.journal = new InsertJournal(opts.journalDir)
    // Before any append: the journalled plan's segments keep their numbers to themselves.
    const pending = this.journal.read()
    if (pending && pending.seqs.length > 0) opts.spool.numberAbove(Math.max(...pending.seqs))
  }

  /** Failed rounds since the last one that succeeded. */
  get consecutiveFailures(): number {
    return this.failures
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /**
   * Stops the loop, then writes what is left in the spool (shutdown). Returns by the
   * deadline whatever ClickHouse does: retries stop, and an insert in flight is aborted.
   * What is not written stays in the spool (and a plan in the journal) for the next start.
   */
  async drain(deadlineMs: number): Promise<boolean> {
    this.running = false
    this.pause.wake()
    const until = Date.now() + deadlineMs
    const timer = setTimeout(() => this.abort.abort(new Error('drain deadline reached')), deadlineMs)
    try {
      await this.loop
      await this.opts.spool.seal()
      while (this.hasWork() && !this.abort.signal.aborted) {
        if (await this.round()) continue
        const left = until - Date.now()
        if (left <= 0) break
        await sleep(Math.min(left, 1000, writerBackoffMs(this.failures, this.opts.maxBackoffMs)))
      }
    } finally {
      clearTimeout(timer)
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
        await this.pause.for(tick)
        continue
      }
      // No backoff pause once shutdown began: drain() takes over at once.
      if (!(await this.round()) && this.running) await this.pause.for(writerBackoffMs(this.failures, this.opts.maxBackoffMs))
    }
  }

  /** One round: a journalled one left by a failure or a crash, else up to `segmentsPerRound` segments. */
  private async round(): Promise<boolean> {
    try {
      const pending = this.journal.read()
      if (pending) await this.replay(pending)
      else await this.writeNext(this.opts.spool.segments().slice(0, this.opts.segmentsPerRound ?? 8))
      this.failures = 0
      this.opts.metrics.writerConsecutiveFailures = 0
      this.lastError = undefined
      return true
    } catch (err) {
      this.failures++
      this.opts.metrics.writerErrors++
      this.opts.metrics.writerConsecutiveFailures = this.failures
      this.lastError = errorMessage(err)
      this.opts.logger.warn('writer round failed; will retry', { attempt: this.failures, error: this.lastError })
      return false
    }
  }

  private async writeNext(segments: Segment[]): Promise<void> {
    const rows = await collectRows(this.opts.spool, segments)
    const pairs = rows.events.map((r) => ({ site: r[EVENT_SITE] as string, id: r[EVENT_ID] as string }))
    const stored = pairs.length === 0 ? new Set<string>() : await findStoredIds(this.opts.storage.client, this.opts.storage.database, pairs, eventKey, this.abort.signal)
    const excluded = rows.events.filter((r) => stored.has(tupleKey(r))).map((r): [string, string] => [r[EVENT_SITE] as string, r[EVENT_ID] as string])
    const plan = await this.journal.write(
      segments.map((s) => s.seq),
      excluded,
    )
    await this.store(plan, rows)
    await this.finish(segments)
  }

  private async replay(plan: PlannedInsert): Promise<void> {
    const segments = this.opts.spool.segments().filter((s) => plan.seqs.includes(s.seq))
    // Segments are deleted only after a successful insert: if some are gone, it succeeded.
    if (segments.length === plan.seqs.length) {
      this.opts.logger.info('replaying the planned insert (after a failed round or a restart)', { segments: plan.seqs.length })
      await this.store(plan, await collectRows(this.opts.spool, segments))
    }
    await this.finish(segments)
  }

  /** Events (isolating what the engine refuses), refused rows, then the round's order versions. */
  private async store(plan: PlannedInsert, rows: CollectedRows): Promise<void> {
    await storeRound(this.context(), plan, rows)
    await insertOrderVersions(this.context(), rows.orders, plan.token)
    if (rows.orders.length > 0) this.opts.onOrders?.()
  }

  private async finish(segments: Segment[]): Promise<void> {
    for (const segment of segments) await this.opts.spool.remove(segment)
    await this.journal.clear()
  }

  private context(): StoreContext {
    const { storage, metrics, logger } = this.opts
    return { storage, metrics, logger, signal: this.abort.signal }
  }

}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
