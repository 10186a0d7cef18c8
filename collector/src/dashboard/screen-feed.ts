/** Reads one screen's numbers; the feed calls it while someone watches. */
export type ReadScreen = () => Promise<unknown>

interface Feed {
  read: ReadScreen
  listeners: Set<(json: string) => void>
  last?: string
  timer?: NodeJS.Timeout
}

/**
 * Pushes a screen's numbers to its watchers (server-sent events): one poll loop per
 * (site, time zone) while it has watchers, every `intervalMs`; a reading is sent only
 * when it differs from the last one sent. Polling the rollups (rather than hooking the
 * writer) sees every collector's inserts in server mode too, and costs one set of
 * screen queries per interval whatever the number of screens.
 */
export class ScreenFeeds {
  private feeds = new Map<string, Feed>()

  constructor(
    private readonly intervalMs = 500,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Calls `listener` with the current reading, then with every change; returns the unsubscribe. */
  subscribe(key: string, read: ReadScreen, listener: (json: string) => void): () => void {
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
