import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { Storage } from '../storage/client.js'
import type { Logger } from '../logger.js'
import { ApplierLease } from './lease.js'
import { ApplyJournal, type PlannedLedger } from './apply-journal.js'
import { OrderStore } from './order-store.js'
import { orderKey, type InboxRow } from './order-rows.js'
import { planLedger } from './plan-ledger.js'
import type { OrderCounters } from './order-metrics.js'
import { WakeablePause } from '../wakeable-pause.js'
import { waitAtMost } from '../wait-at-most.js'

export interface OrdersApplierOptions {
  storage: Storage
  counters: OrderCounters
  logger: Logger
  /** Folder for the ledger journal (the spool's folder). */
  journalDir: string
  /** A holder that has not beaten for this long loses the lease. */
  leaseTtlMs: number
  /** Pause between rounds when idle; the writer wakes the applier sooner. Default 250. */
  pollMs?: number
  /** Inbox rows are re-read this far back, for inserts that committed late. Default 5 s. */
  overlapMs?: number
  /** Most inbox rows per round. Default 20 000. */
  pageSize?: number
}

type RoundResult = 'idle' | 'worked' | 'standby'

/** A task for {@link OrdersApplier.between} on a collector that does not apply orders now. */
export class NotApplierError extends Error {
  readonly code = 'ERR_NOT_APPLIER'
}

/**
 * Turns order versions into ledger rows, one round at a time, while it holds the lease
 * (see lease.ts): read new inbox rows (from the cursor, re-reading `overlapMs` back;
 * rows seen this session are skipped), look up the touched orders' applied state,
 * plan the ledger block (plan-ledger.ts), journal it, insert it. After a restart the
 * state is read back from ClickHouse per round, so nothing but the cursor is needed,
 * and that is kept in the lease rows.
 */
export class OrdersApplier {
  private running = false
  private loop: Promise<void> | undefined
  private readonly pause = new WakeablePause()
  private cursor: number | undefined
  private catchingUp = false
  private holding = false
  private lastBeatAt = -Infinity
  private readonly seen = new Map<string, number>()
  private readonly tasks: ((holding: boolean) => Promise<void>)[] = []
  private readonly lease: ApplierLease
  private readonly store: OrderStore
  private readonly journal: ApplyJournal

  constructor(private readonly opts: OrdersApplierOptions) {
    const identity = join(opts.journalDir, 'orders-applier.id')
    this.lease = new ApplierLease(opts.storage.client, opts.storage.database, opts.leaseTtlMs, identity, opts.storage.mode === 'embedded')
    this.store = new OrderStore(opts.storage.client, opts.storage.database)
    this.journal = new ApplyJournal(opts.journalDir)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /**
   * Ends the loop. A round still in flight after `timeoutMs` (ClickHouse hanging) is left
   * behind: its ledger block is journalled with its token, so the next start replays it
   * or ClickHouse skips it, and shutdown keeps its deadline.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.running = false
    this.pause.wake()
    if ((await waitAtMost(this.loop, timeoutMs)) === 'late') {
      this.opts.logger.warn('order applier: a round still in flight at shutdown; its journal is replayed on the next start', { timeoutMs })
      return
    }
    for (const task of this.tasks.splice(0)) await task(false)
  }

  /** Holds the lease now (as of its last beat). */
  get applying(): boolean {
    return this.running && this.holding
  }

  /**
   * Runs `task` between two rounds while this collector holds the lease: the ledger is
   * written by no one else meanwhile (the reconciliation needs that). Rejects with
   * NotApplierError when this collector stands by or stops first.
   */
  between<T>(task: () => Promise<T>): Promise<T> {
    if (!this.running) return Promise.reject(new NotApplierError('the order applier is not running here'))
    return new Promise<T>((resolve, reject) => {
      this.tasks.push(async (holding) => {
        if (!holding) return reject(new NotApplierError('this collector does not hold the order applier lease'))
        await task().then(resolve, reject)
      })
      this.wake()
    })
  }

  /** New versions are in the inbox: run a round now. */
  wake(): void {
    this.pause.wake()
  }

  private async run(): Promise<void> {
    const beatMs = Math.min(2_000, this.opts.leaseTtlMs / 4)
    while (this.running) {
      let result: RoundResult
      try {
        result = await this.round(beatMs)
      } catch (err) {
        this.opts.counters.applierErrors++
        this.opts.logger.warn('order applier round failed; will retry', { error: (err as Error).message })
        result = 'idle'
        await this.pause.for(1_000)
      }
      for (const task of this.tasks.splice(0)) await task(this.holding && this.lease.fresh())
      if (result === 'idle') await this.pause.for(this.opts.pollMs ?? 250)
      if (result === 'standby') await this.pause.for(beatMs)
    }
  }

  private async round(beatMs: number): Promise<RoundResult> {
    this.cursor ??= await this.lease.lastCursor()
    if (!this.holding || performance.now() - this.lastBeatAt >= beatMs || !this.lease.fresh()) {
      const held = await this.lease.beat(this.cursor)
      this.lastBeatAt = performance.now()
      if (held !== this.holding) this.opts.logger.info(held ? 'order applier: holding the lease' : 'order applier: standing by (another collector applies orders)', { holder: this.lease.id })
      this.holding = held
      this.opts.counters.applying = held ? 1 : 0
      if (!held) {
        this.cursor = undefined // read again on takeover: the holder moved it
        this.seen.clear()
        return 'standby'
      }
    }
    const pending = this.journal.read()
    if (pending) await this.replay(pending)
    const overlap = (this.opts.overlapMs ?? 5_000) * 1000
    const pageSize = this.opts.pageSize ?? 20_000
    const page = await this.store.versionsSince(this.catchingUp ? this.cursor : Math.max(0, this.cursor - overlap), pageSize)
    this.catchingUp = page.length === pageSize
    const fresh = page.filter((r) => !this.seen.has(identity(r)))
    const reached = Math.max(this.cursor, page.at(-1)?.inserted_at ?? 0)
    if (fresh.length > 0) await this.apply(fresh, reached)
    this.cursor = reached
    for (const [id, at] of this.seen) if (at < reached - overlap) this.seen.delete(id)
    return fresh.length > 0 ? 'worked' : 'idle'
  }

  private async apply(fresh: InboxRow[], reached: number): Promise<void> {
    const keys = [...new Map(fresh.map((r) => [orderKey(r.site_id, r.order_id), { site_id: r.site_id, order_id: r.order_id }])).values()]
    const plan = planLedger(fresh, await this.store.states(keys))
    if (!this.lease.fresh()) throw new Error('lease not renewed in time; not writing')
    const planned: PlannedLedger = { token: randomUUID(), rows: plan.rows, previous: plan.previous, cursor: reached }
    await this.journal.write(planned)
    await this.store.appendLedger(planned.rows, planned.token)
    await this.journal.clear()
    for (const r of fresh) this.seen.set(identity(r), r.inserted_at)
    const { counters } = this.opts
    counters.versionsApplied += Object.keys(plan.previous).length
    counters.conflicts += plan.conflicts
    counters.stale += plan.stale
  }

  /** The block in flight at the last stop: sent again only if no order in it moved since. */
  private async replay(pending: PlannedLedger): Promise<void> {
    const applied = new Map(pending.rows.filter((r) => r.sign === 1).map((r) => [orderKey(r.site_id, r.order_id), r.version]))
    const keys = pending.rows.filter((r) => r.sign === 1).map((r) => ({ site_id: r.site_id, order_id: r.order_id }))
    const states = await this.store.states(keys)
    const unmoved = [...applied].every(([key, version]) => {
      const now = states.get(key)?.version ?? 0
      return now === version || now === pending.previous[key]
    })
    if (unmoved) {
      this.opts.logger.info('order applier: replaying the ledger block in flight at the last stop', { rows: pending.rows.length })
      await this.store.appendLedger(pending.rows, pending.token)
    } else {
      this.opts.logger.warn('order applier: dropping a ledger block from the last stop; its orders moved since (run reconcile)', { rows: pending.rows.length })
    }
    await this.journal.clear()
  }

}

function identity(r: InboxRow): string {
  return `${r.site_id}\u0000${r.order_id}\u0000${r.version}\u0000${r.event_id}\u0000${r.inserted_at}`
}
