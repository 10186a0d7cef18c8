export interface AnswerCacheOptions {
  /** Answers kept; the least recently used goes first. Default 256. */
  maxEntries?: number
  /**
   * How long a finished answer is handed out again (a run in flight is always joined).
   * Short: an analyst's DELETE on raw events, which the filtered views read, moves no
   * counter, and the cache is for the viewers who refetch together, not for keeping
   * answers. Default 500 ms.
   */
  maxAgeMs?: number
  /**
   * A version is settled this long after it was first seen here: an insert reaches its
   * rollups one view after another (ClickHouse commits each table of an insert on its
   * own), so the version can move before the last rollup has the rows. The page fetches
   * once more 1 s after the last change for that reason (SETTLE_MS,
   * dashboard/src/analytics/refresh.ts); a run started before the version settled never
   * answers a request made after. Default 1 s.
   */
  settleMs?: number
  /** The clock (ms). Default Date.now. */
  now?: () => number
}

interface Entry<T> {
  answer: Promise<T>
  /** When the answer came; undefined while the run is in flight. */
  doneAt?: number
}

/**
 * The analytics page's answers by site, data version and view. `/v1/dashboard` reads the
 * version before its panels, so an answer shows at least that version. When a site's
 * version moves, every viewer refetches at once (one change feed per site); the requests
 * for the same view then share one run, so ten people watching a busy site cost the
 * engine, and the ingest sharing its cores, one view's queries per change, not ten. A
 * failed run is not kept. In memory, per collector.
 */
export class AnswerCache<T> {
  private readonly entries = new Map<string, Entry<T>>()
  /** Per site: the newest version seen, and when it was first seen. */
  private readonly seen = new Map<string, { version: string; at: number }>()
  private readonly maxEntries: number
  private readonly maxAgeMs: number
  private readonly settleMs: number
  private readonly now: () => number

  constructor(opts: AnswerCacheOptions = {}) {
    this.maxEntries = opts.maxEntries ?? 256
    this.maxAgeMs = opts.maxAgeMs ?? 500
    this.settleMs = opts.settleMs ?? 1_000
    this.now = opts.now ?? Date.now
  }

  /**
   * Records that `site` was read at `version`. Every read of a site's version should say
   * so (the change feed's included: it reads a new version before any viewer is told of
   * it), so that "first seen" is the earliest sighting, not the first request's.
   */
  saw(site: string, version: string): void {
    this.firstSeen(site, version, this.now())
  }

  /** The answer for `view` of `site` at `version`: a run in flight or just finished, or a new one of `compute`. */
  get(site: string, version: string, view: string, compute: () => Promise<T>): Promise<T> {
    const now = this.now()
    const settled = now - this.firstSeen(site, version, now) >= this.settleMs
    const key = JSON.stringify([site, version, settled, view])
    const kept = this.entries.get(key)
    if (kept && (kept.doneAt === undefined || now - kept.doneAt < this.maxAgeMs)) {
      // Map order is use order: move it to the end.
      this.entries.delete(key)
      this.entries.set(key, kept)
      return kept.answer
    }
    const entry: Entry<T> = { answer: (async () => compute())() }
    this.entries.delete(key)
    this.entries.set(key, entry)
    entry.answer.then(
      () => void (entry.doneAt = this.now()),
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key)
      },
    )
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
    return entry.answer
  }

  get size(): number {
    return this.entries.size
  }

  private firstSeen(site: string, version: string, now: number): number {
    let seen = this.seen.get(site)
    if (seen?.version !== version) this.seen.set(site, (seen = { version, at: now }))
    return seen.at
  }
}
