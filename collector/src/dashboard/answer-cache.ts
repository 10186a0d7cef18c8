export interface AnswerCacheOptions {
  /** Answers kept; the least recently used goes first. Default 256. */
  maxEntries?: number
  /**
   * An answer is recomputed once this old even at the same data version, which can miss
   * a change: a version read while an insert is still going through the rollups (each
   * view's part is visible as it is written) may come with part of that insert, and an
   * analyst's DELETE on raw events moves no counter. The page fetches once more 1 s after
   * the last change for the first case (SETTLE_MS, dashboard/src/analytics/refresh.ts),
   * so this stays well under 1 s: the cache is for the viewers who refetch together when
   * the version moves, not for keeping answers. Default 500 ms.
   */
  maxAgeMs?: number
  /** The clock (ms). Default Date.now. */
  now?: () => number
}

interface Entry<T> {
  answer: Promise<T>
  at: number
}

/**
 * The analytics page's answers by key, where a key names a view and the site's data
 * version it was asked at (`/v1/dashboard` reads the version before its panels, so an
 * answer shows at least that version). When a site's version moves, every viewer
 * refetches at once (one change feed per site); the requests for the same view then share
 * one computation, so ten people watching a busy site cost the engine, and the ingest
 * sharing its cores, one view's queries per change, not ten. A failed computation is not
 * kept. In memory, per collector.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>()
  private readonly maxEntries: number
  private readonly maxAgeMs: number
  private readonly now: () => number

  constructor(opts: AnswerCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 256
    this.maxAgeMs = opts.maxAgeMs ?? 500
    this.now = opts.now ?? Date.now
  }

  /** The kept answer for `key`, or the one `compute` gives (then kept). */
  get(key: string, compute: () => Promise<T>): Promise<T> {
    const now = this.now()
    const kept = this.entries.get(key)
    if (kept && now - kept.at < this.maxAgeMs) {
      // Map order is use order: move it to the end.
      this.entries.delete(key)
      this.entries.set(key, kept)
      return kept.answer
    }
    const entry: Entry<T> = { answer: (async () => compute())(), at: now }
    this.entries.delete(key)
    this.entries.set(key, entry)
    entry.answer.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key)
    })
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    return entry.answer
  }

  get size(): number {
    return this.entries.size
  }
}
