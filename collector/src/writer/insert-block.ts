import { classifyInsertError } from './classify-error.js'

/**
 * Rows per insert, well under ClickHouse's block sizes (`max_insert_block_size` and the
 * squashing minimums, set explicitly by the writer's inserts): one insert is one block,
 * so an insert the engine refuses wrote nothing, and one that succeeds is one part
 * under one deduplication token.
 */
export const MAX_ROWS_PER_INSERT = 100_000

/** Settings that keep one insert one block (see MAX_ROWS_PER_INSERT). */
export const ONE_BLOCK_SETTINGS = {
  max_insert_block_size: String(4 * MAX_ROWS_PER_INSERT),
  min_insert_block_size_rows: String(4 * MAX_ROWS_PER_INSERT),
  min_insert_block_size_bytes: String(4 * 1024 * 1024 * 1024),
} as const

export interface RefusedRow<T> {
  row: T
  /** What the engine answered when this row was inserted on its own. */
  error: unknown
}

export interface InsertIsolatingOptions<T> {
  rows: T[]
  /** The journalled token of the whole block; sub-blocks derive theirs from it. */
  token: string
  /** Inserts `rows` as one block with this deduplication token. */
  insert: (rows: T[], token: string) => Promise<void>
}

/** The deduplication token of rows [start, end) of the block journalled under `token`. */
export function subBlockToken(token: string, start: number, end: number): string {
  return `${token}:${start}-${end}`
}

/**
 * Inserts `rows`, isolating the ones the engine refuses. The whole block is tried
 * first; when the engine blames the data (classify-error.ts), the block is split in
 * halves and each half is tried, down to single rows, which are returned as refused.
 * Any other error is thrown: the round fails and is retried as a whole.
 *
 * Exactly once: the split is a pure function of the block (always at the midpoint),
 * and each sub-block's token is derived from the journalled token and its range. A
 * replay after a crash mid-bisect therefore tries the same sub-blocks with the same
 * tokens, and ClickHouse skips those it already has (in events and in every view).
 * Cost: one refused row in n costs about 2·log2(n) inserts and log2(n) parts.
 */
export async function insertIsolating<T>(o: InsertIsolatingOptions<T>): Promise<RefusedRow<T>[]> {
  const refused: RefusedRow<T>[] = []
  const attempt = async (start: number, end: number, token: string): Promise<void> => {
    try {
      await o.insert(o.rows.slice(start, end), token)
    } catch (error) {
      if (classifyInsertError(error) !== 'data') throw error
      if (end - start === 1) {
        refused.push({ row: o.rows[start]!, error })
        return
      }
      const mid = start + Math.floor((end - start) / 2)
      await attempt(start, mid, subBlockToken(o.token, start, mid))
      await attempt(mid, end, subBlockToken(o.token, mid, end))
    }
  }
  const n = o.rows.length
  if (n === 0) return refused
  if (n <= MAX_ROWS_PER_INSERT) await attempt(0, n, o.token)
  else for (let start = 0; start < n; start += MAX_ROWS_PER_INSERT) {
    const end = Math.min(n, start + MAX_ROWS_PER_INSERT)
    await attempt(start, end, subBlockToken(o.token, start, end))
  }
  return refused
}
