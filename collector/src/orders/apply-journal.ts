import { existsSync, readFileSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory } from '../spool/sync-directory.js'
import type { LedgerRow } from './order-rows.js'

/**
 * The applier's ledger block in flight, written down before it is sent (as the writer's
 * insert journal does for events). After a crash the same block is sent again with the
 * same `insert_deduplication_token`: the ledger, orders_state and every rollup skip it
 * where they have it and take it where they do not (a crash between a table and its views).
 */
export interface PlannedLedger {
  token: string
  rows: LedgerRow[]
  /** Per order key, the applied version the block was planned from (0: none). */
  previous: Record<string, number>
  /** The inbox position the block covers up to (µs). */
  cursor: number
}

export class ApplyJournal {
  private readonly path: string

  constructor(private readonly dir: string) {
    this.path = join(dir, 'orders-ledger.pending')
  }

  read(): PlannedLedger | undefined {
    if (!existsSync(this.path)) return undefined
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as PlannedLedger
    } catch {
      return undefined // torn write: the block was never sent
    }
  }

  async write(plan: PlannedLedger): Promise<void> {
    const tmp = `${this.path}.tmp`
    const file = await open(tmp, 'w')
    try {
      await file.writeFile(JSON.stringify(plan))
      await file.datasync()
    } finally {
      await file.close()
    }
    await rename(tmp, this.path)
    await syncDirectory(this.dir)
  }

  async clear(): Promise<void> {
    await unlink(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
  }
}
