import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { DurableJsonFile } from '../spool/durable-json-file.js'

/**
 * The one insert in flight, written down before it is sent. If the process dies after
 * ClickHouse took the rows but before the segments were deleted, the restart replays
 * the same block with the same `insert_deduplication_token`: `events` and every rollup
 * table skip it if they have it, and take it if they do not (a crash between the table
 * and its materialized views). `excluded` are the (site, id) pairs found already stored
 * when the insert was planned, so the replayed block is identical; and since the block
 * is identical, a block the engine refuses is bisected the same way again, into the
 * same sub-blocks with the same derived tokens (see insert-block.ts).
 */
export interface PlannedInsert {
  token: string
  seqs: number[]
  /** [site, id] pairs; a journal of the previous version holds bare ids (any site). */
  excluded: ([string, string] | string)[]
}

export class InsertJournal {
  private readonly file: DurableJsonFile<PlannedInsert>

  constructor(dir: string) {
    this.file = new DurableJsonFile(join(dir, 'insert.pending'))
  }

  read(): PlannedInsert | undefined {
    return this.file.read()
  }

  /** Durably records the plan before its insert is sent. */
  async write(seqs: number[], excluded: [string, string][]): Promise<PlannedInsert> {
    const plan = { token: randomUUID(), seqs, excluded }
    await this.file.write(plan)
    return plan
  }

  clear(): Promise<void> {
    return this.file.clear()
  }
}
