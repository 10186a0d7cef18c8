export interface SettledReadingsOptions {
  /** How long after a stamp was first seen a reading may count as settled. Default 1 s. */
  settleMs?: number
  /**
   * A settled reading is read again once this old: what moves no stamp (the order
   * ticker's 24-hour window, a reconciliation repair written straight into a rollup, an
   * insert still going through its views after `settleMs`) shows this late at most.
   * Default 15 s.
   */
  maxKeepMs?: number
  /** Readings kept; the least recently used goes first. Default 256. */
  maxKeys?: number
  /** The clock (ms). Default Date.now. */
  now?: () => number
}

interface Reading<T> {
  stamp: string
  /** When this stamp was first seen. */
  seenAt: number
  startedAt: number
  value: T
  json: string
  settled: boolean
}

/**
 * A reading (the big screen's panels) is read again only when it may have changed. Its
 * stamp is what it was read at: the site's data version and the day. A reading is kept
 * once it is settled: read `settleMs` or more after its stamp was first seen, and equal
 * to the reading before it at the same stamp. Why not keep the first reading at a new
 * version: an insert reaches its rollups one view after another (ClickHouse commits
 * each table of an insert on its own), so the version can move before the last rollup
 * has the rows; the analytics page fetches once more 1 s after the last change for the
 * same reason (dashboard/src/analytics/refresh.ts). One reading per key (a screen's
 * site and time zone).
 */
export class SettledReadings<T> {
  private readonly kept = new Map<string, Reading<T>>()
  private readonly settleMs: number
  private readonly maxKeepMs: number
  private readonly maxKeys: number
  private readonly now: () => number

  constructor(opts: SettledReadingsOptions = {}) {
    this.settleMs = opts.settleMs ?? 1_000
    this.maxKeepMs = opts.maxKeepMs ?? 15_000
    this.maxKeys = opts.maxKeys ?? 256
    this.now = opts.now ?? Date.now
  }

  async read(key: string, stamp: string, compute: () => Promise<T>): Promise<T> {
    const startedAt = this.now()
    const last = this.kept.get(key)
    const sameStamp = last?.stamp === stamp
    if (last && sameStamp && last.settled && startedAt - last.startedAt < this.maxKeepMs) {
      // Map order is use order: move it to the end.
      this.kept.delete(key)
      this.kept.set(key, last)
      return last.value
    }
    const value = await compute()
    const json = JSON.stringify(value)
    const seenAt = sameStamp ? last!.seenAt : startedAt
    const settled = sameStamp && startedAt - seenAt >= this.settleMs && json === last!.json
    this.kept.delete(key)
    this.kept.set(key, { stamp, seenAt, startedAt, value, json, settled })
    while (this.kept.size > this.maxKeys) this.kept.delete(this.kept.keys().next().value!)
    return value
  }
}
