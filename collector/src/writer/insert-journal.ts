import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { open, rename, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory } from '../spool/sync-directory.js'

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
  private readonly path: string

  constructor(private readonly dir: string) {
    this.path = join(dir, 'insert.pending')
  }

  read(): PlannedInsert | undefined {
    if (!existsSync(this.path)) return undefined
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as PlannedInsert
    } catch {
      return undefined // torn write: the insert was never sent
    }
  }

  /** Durably records the plan (write to a temporary file, fsync, rename). */
  async write(seqs: number[], excluded: [string, string][]): Promise<PlannedInsert> {
    const plan = { token: randomUUID(), seqs, excluded }
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
    return plan
  }

  async clear(): Promise<void> {
    await unlink(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
  }
}
