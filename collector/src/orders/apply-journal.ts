import { join } from 'node:path'
import { DurableJsonFile } from '../spool/durable-json-file.js'
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
  private readonly file: DurableJsonFile<PlannedLedger>

  constructor(dir: string) {
    this.file = new DurableJsonFile(join(dir, 'orders-ledger.pending'))
  }

  read(): PlannedLedger | undefined {
    return this.file.read()
  }

  write(plan: PlannedLedger): Promise<void> {
    return this.file.write(plan)
  }

  clear(): Promise<void> {
    return this.file.clear()
  }
}
