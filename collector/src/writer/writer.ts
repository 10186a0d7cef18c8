import type { Storage } from '../storage/client.js'
import type { EventRow, RejectedRow } from '../storage/rows.js'
import { findStoredIds } from '../storage/find-stored-ids.js'
import { TABLES, table } from '../storage/tables.js'
import type { Spool, Segment } from '../spool/spool.js'
import { decodeRecords } from '../spool/record.js'
import { decodePayload } from '../spool/payload.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Logger } from '../logger.js'
import { writerBackoffMs } from './backoff.js'

export interface WriterOptions {
  spool: Spool
  storage: Storage
  metrics: Metrics
  logger: Logger
  /** Seal and write the active segment once its oldest record is this old. */
  flushIntervalMs: number
  /** Longest pause between retries of a failed round. */
  maxBackoffMs: number
  /** Segments per round: bigger inserts, fewer parts. */
  segmentsPerRound?: number
}

/**
 * Drains the spool into ClickHouse: seals the active segment by age, reads sealed
 * segments in order, drops events whose id is already stored, inserts the rest in one
 * JSONEachRow insert, and only then deletes the segments. A failed round is retried
 * with backoff; nothing leaves the spool before ClickHouse has it.
 */
export class Writer {
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  private failures = 0
  lastError: string | undefined

  constructor(private readonly opts: WriterOptions) {}

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
    while (this.opts.spool.segments().length > 0 && Date.now() < until) {
      if (!(await this.round())) await sleep(Math.min(1000, writerBackoffMs(this.failures, this.opts.maxBackoffMs)))
    }
    return this.opts.spool.segments().length === 0
  }

  /** Wakes the loop early (e.g. when a segment was just sealed). */
  poke(): void {
    this.wake?.()
  }

  private async run(): Promise<void> {
    const tick = Math.max(20, Math.floor(this.opts.flushIntervalMs / 4))
    while (this.running) {
      await this.opts.spool.seal(this.opts.flushIntervalMs)
      if (this.opts.spool.segments().length === 0) {
        await this.pause(tick)
        continue
      }
      if (!(await this.round())) await this.pause(writerBackoffMs(this.failures, this.opts.maxBackoffMs))
    }
  }

  /** One insert of up to `segmentsPerRound` segments. False when it failed. */
  private async round(): Promise<boolean> {
    const segments = this.opts.spool.segments().slice(0, this.opts.segmentsPerRound ?? 8)
    try {
      await this.write(segments)
      for (const segment of segments) await this.opts.spool.remove(segment)
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

  private async write(segments: Segment[]): Promise<void> {
    const { storage, metrics } = this.opts
    const events = new Map<string, EventRow>()
    const rejectedPerSegment: RejectedRow[][] = []
    for (const segment of segments) {
      const { payloads } = decodeRecords(await this.opts.spool.readSegment(segment))
      const rejected: RejectedRow[] = []
      for (const payload of payloads) {
        const decoded = decodePayload(payload)
        for (const row of decoded.events) {
          row.id = row.id.toLowerCase()
          if (events.has(row.id)) metrics.eventsDuplicate++
          else events.set(row.id, row)
        }
        rejected.push(...decoded.rejected)
      }
      rejectedPerSegment.push(rejected)
    }
    const fresh = await this.withoutStored([...events.values()])
    metrics.eventsDuplicate += events.size - fresh.length
    if (fresh.length > 0) {
      const started = performance.now()
      await storage.client.insert({ table: table(storage.database, TABLES.events), values: fresh, format: 'JSONEachRow' })
      metrics.insertLatency(performance.now() - started)
      metrics.eventsWritten += fresh.length
    }
    // One insert per segment: a replay produces the same block, which the table's
    // deduplication window recognises (rejected rows carry no id of their own).
    for (const rejected of rejectedPerSegment) {
      if (rejected.length === 0) continue
      await storage.client.insert({ table: table(storage.database, TABLES.rejectedEvents), values: rejected, format: 'JSONEachRow' })
    }
  }

  private async withoutStored(rows: EventRow[]): Promise<EventRow[]> {
    if (rows.length === 0) return rows
    let minTs = Infinity
    let maxTs = -Infinity
    const sites = new Set<string>()
    for (const row of rows) {
      if (row.ts < minTs) minTs = row.ts
      if (row.ts > maxTs) maxTs = row.ts
      sites.add(row.site_id)
    }
    const stored = await findStoredIds(this.opts.storage.client, this.opts.storage.database, {
      siteIds: [...sites],
      ids: rows.map((r) => r.id),
      minTs,
      maxTs,
    })
    return stored.size === 0 ? rows : rows.filter((r) => !stored.has(r.id))
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
