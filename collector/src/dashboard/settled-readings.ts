/**
 * A reading is read again only when it may have changed. It is recomputed while its
 * stamp (what it was read at: the site's data version, the day) is new, and kept once it
 * was computed `settleMs` or more after that stamp was first seen, until the stamp moves.
 * Why not keep the first reading at a new version: an insert goes through its rollups one
 * view after another (ClickHouse commits each table of an insert on its own), so the
 * version can move before the last rollup has the rows; the analytics page fetches once
 * more 1 s after the last change for the same reason (dashboard/src/analytics/refresh.ts).
 * One entry per key (a screen's site and time zone).
 */
export class SettledReadings<T> {
  private readonly kept = new Map<string, { stamp: string; seenAt: number; startedAt: number; value: T }>()

  constructor(
    private readonly settleMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  async read(key: string, stamp: string, compute: () => Promise<T>): Promise<T> {
    const startedAt = this.now()
    const last = this.kept.get(key)
    const sameStamp = last?.stamp === stamp
    if (last && sameStamp && last.startedAt - last.seenAt >= this.settleMs) return last.value
    const value = await compute()
    this.kept.set(key, { stamp, seenAt: sameStamp ? last!.seenAt : startedAt, startedAt, value })
    return value
  }
}
