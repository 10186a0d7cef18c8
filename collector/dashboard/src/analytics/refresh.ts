/** The stream is down: poll this often, so a proxy that breaks streams never freezes the page. */
const FALLBACK_MS = 10_000
/** The stream is live: fetch this often anyway (live visitors age out, the hour turns). */
const LIVE_TICK_MS = 60_000
/**
 * Fetch once more this long after the last data change: a fetch that raced an insert
 * may have read some rollups before it and some after (ClickHouse commits each table of
 * an insert on its own), and no later change may come to correct it.
 */
const SETTLE_MS = 1_000

/**
 * When the analytics page fetches its view: at once on a view change (dropping a fetch
 * in flight); on a data change at most one fetch in flight, and one more after it when
 * another change came meanwhile (a settling or slow-poll fetch in flight is dropped for
 * it instead: those are rare, and waiting for one would delay the change); a slow poll
 * between changes. Stopped while the tab is hidden.
 */
export class Refresher {
  private inFlight: { controller: AbortController; forChange: boolean } | undefined
  private again = false
  private live = false
  private tick: number | undefined
  private settle: number | undefined

  constructor(private readonly fetchView: (signal: AbortSignal) => Promise<void>) {}

  /** The view changed (or the page became visible): fetch now. */
  now(): void {
    this.start(false)
  }

  /** The site's data changed. */
  changed(): void {
    clearTimeout(this.settle)
    this.settle = window.setTimeout(() => this.soon(), SETTLE_MS)
    if (this.inFlight?.forChange) this.again = true
    else this.start(true)
  }

  /** The change stream is live or not: sets the pace of the slow poll. */
  setLive(live: boolean): void {
    if (live === this.live) return
    this.live = live
    if (!this.inFlight) this.schedule()
  }

  stop(): void {
    this.inFlight?.controller.abort()
    this.inFlight = undefined
    clearTimeout(this.tick)
    clearTimeout(this.settle)
  }

  /** A settling or slow-poll fetch: after the one in flight, if any. */
  private soon(): void {
    if (this.inFlight) this.again = true
    else this.start(false)
  }

  /** Starts a fetch, dropping the one in flight. */
  private start(forChange: boolean): void {
    this.inFlight?.controller.abort()
    clearTimeout(this.tick)
    this.again = false
    const flight = (this.inFlight = { controller: new AbortController(), forChange })
    void this.fetchView(flight.controller.signal)
      .catch(() => {})
      .then(() => {
        if (this.inFlight !== flight) return // dropped for a newer one
        this.inFlight = undefined
        if (this.again) this.start(true)
        else this.schedule()
      })
  }

  private schedule(): void {
    clearTimeout(this.tick)
    if (document.visibilityState === 'visible') this.tick = window.setTimeout(() => this.soon(), this.live ? LIVE_TICK_MS : FALLBACK_MS)
  }
}
