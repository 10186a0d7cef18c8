import type { ClickHouseClient } from '@clickhouse/client'
import type { Logger } from '../logger.js'
import { WakeablePause } from '../wakeable-pause.js'
import { computeSummary, staleSummaryDays, type SummaryCandidate } from './visit-summaries.js'
import { waitAtMost } from '../wait-at-most.js'

export interface CompactorOptions {
  client: ClickHouseClient
  database: string
  logger?: Logger
  /** Pause between rounds. Default 60 s. */
  intervalMs?: number
  /**
   * A day is computed only once its stamp was the same at two reads this far apart, so
   * every view of every insert it counts has been written (see 012). Default 30 s; 0 in
   * tests and the bench, where nothing is being inserted.
   */
  quietMs?: number
  /** Most days computed per round (bounded work). Default 8. */
  daysPerRound?: number
  /** Days this far back are summarised (a 366-day range and its previous period). Default 740. */
  lookbackDays?: number
  /** The clock (ms since the epoch). Default Date.now. */
  now?: () => number
}

export interface RoundReport {
  computed: number
  /** Stale days seen whose stamp has not been quiet for quietMs yet. */
  waiting: number
}

const DAY_MS = 86_400_000

/**
 * Keeps visit_summaries_daily (012) up to date for closed days: each round lists the days
 * (yesterday, UTC, and older: today is never quiet) whose summary is missing or stale, and
 * recomputes the quiet ones, newest first. Any number of collectors may run it: computing
 * a day twice only adds an equal row.
 */
export class VisitSummaryCompactor {
  private running = false
  private loop: Promise<void> | undefined
  private readonly pause = new WakeablePause()
  /** Stamp of each stale day at its first read, and when. */
  private readonly seen = new Map<string, { stamp: string; at: number }>()

  constructor(private readonly opts: CompactorOptions) {}

  /** One round: at most daysPerRound days computed. */
  async compact(): Promise<RoundReport> {
    const now = (this.opts.now ?? Date.now)()
    const quietMs = this.opts.quietMs ?? 30_000
    const today = Math.floor(now / DAY_MS)
    const stale = await staleSummaryDays(this.opts.client, this.opts.database, {
      oldest: dateOf(today - (this.opts.lookbackDays ?? 740)),
      newest: dateOf(today - 1),
      limit: 1_000,
    })
    const quiet: SummaryCandidate[] = []
    const seen = new Map<string, { stamp: string; at: number }>()
    for (const day of stale) {
      const key = `${day.site_id}\u0000${day.day}`
      const before = this.seen.get(key)
      const first = before?.stamp === day.stamp ? before : { stamp: day.stamp, at: now }
      seen.set(key, first)
      if (now - first.at >= quietMs) quiet.push(day)
    }
    this.seen.clear()
    for (const [key, value] of seen) this.seen.set(key, value)
    const chosen = quiet.slice(0, this.opts.daysPerRound ?? 8)
    for (const day of chosen) {
      if (!this.running && this.loop) break // stopping: leave the rest to the next start
      await computeSummary(this.opts.client, this.opts.database, day)
      this.seen.delete(`${day.site_id}\u0000${day.day}`)
    }
    return { computed: chosen.length, waiting: stale.length - quiet.length }
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /** Ends the loop, waiting at most `timeoutMs` for a round in flight (one INSERT: whole or nothing). */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.running = false
    this.pause.wake()
    await waitAtMost(this.loop, timeoutMs)
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.compact()
      } catch (err) {
        this.opts.logger?.warn('visit summaries: round failed; will retry', { error: (err as Error).message })
      }
      if (this.running) await this.pause.for(this.opts.intervalMs ?? 60_000)
    }
  }
}

const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)
