/** Reads one feed's current value (a screen's numbers, a site's data version); called while someone watches. */
export type ReadFeed = () => Promise<unknown>

interface Feed {
  read: ReadFeed
  listeners: Set<(json: string) => void>
  last?: string
  timer?: NodeJS.Timeout
}

/**
 * Pushes a reading to its watchers (server-sent events): one poll loop per key while it
 * has watchers, every `intervalMs`; a reading is sent only when it differs from the last
 * one sent. The big screen's key is (site, time zone) and its reading today's numbers;
 * the analytics page's key is the site and its reading the site's data version, shared by
 * every viewer whatever their filters. Polling ClickHouse (rather than hooking the writer)
 * sees every collector's inserts in server mode too, and costs one reading per key and
 * interval whatever the number of watchers.
 */
export class PolledFeeds {
  private feeds = new Map<string, Feed>()

  constructor(
    private readonly intervalMs = 500,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Calls `listener` with the current reading, then with every change; returns the unsubscribe. */
  subscribe(key: string, read: ReadFeed, listener: (json: string) => void): () => void {
    let feed = this.feeds.get(key)
    if (!feed) {
      feed = { read, listeners: new Set() }
      this.feeds.set(key, feed)
      this.poll(key, feed)
    } else if (feed.last) listener(feed.last)
    feed.listeners.add(listener)
    return () => {
      feed.listeners.delete(listener)
      if (feed.listeners.size === 0) {
        clearTimeout(feed.timer)
        this.feeds.delete(key)
      }
    }
  }

  close(): void {
    for (const feed of this.feeds.values()) clearTimeout(feed.timer)
    this.feeds.clear()
  }

  private poll(key: string, feed: Feed): void {
    const round = async () => {
      try {
        const json = JSON.stringify(await feed.read())
        if (json !== feed.last && this.feeds.get(key) === feed) {
          feed.last = json
          for (const listener of feed.listeners) listener(json)
        }
      } catch (err) {
        this.onError(err)
      }
      if (this.feeds.get(key) === feed) feed.timer = setTimeout(() => void round(), this.intervalMs)
    }
    void round()
  }
}
