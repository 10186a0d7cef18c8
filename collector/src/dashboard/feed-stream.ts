import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { RequestError } from '../http/errors.js'
import type { PolledFeeds, ReadFeed } from './polled-feeds.js'

const RECHECK_MS = 1_000
const KEEP_ALIVE_MS = 15_000

export interface FeedStream {
  feeds: PolledFeeds
  /** The feed's key: watchers with the same key share one poll loop. */
  key: string
  read: ReadFeed
  /** The SSE event name of each reading (`screen`, `version`). */
  event: string
  /** Checks the caller again (a share link may be revoked); throws a RequestError when refused. */
  recheck: () => Promise<unknown>
}

/**
 * Answers a request with a feed as server-sent events: the current reading at once,
 * then every change; a comment line every 15 s so proxies keep an idle stream open.
 * A revoked share link closes its open streams: the caller is checked again every
 * second (a cached lookup), so within SHARE_CACHE_MS + 1 s of the revocation, after a
 * `revoked` event.
 */
export function streamFeed(c: Context, s: FeedStream): Response {
  c.header('Cache-Control', 'no-store')
  return streamSSE(c, async (stream) => {
    let stop = () => {}
    const closed = new Promise<void>((resolve) => {
      stop = resolve
      stream.onAbort(resolve)
    })
    const unsubscribe = s.feeds.subscribe(s.key, s.read, (json) => void stream.writeSSE({ event: s.event, data: json }))
    const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS)
    const recheck = setInterval(() => {
      s.recheck().catch((err) => {
        if (err instanceof RequestError) void stream.writeSSE({ event: 'revoked', data: '{}' }).finally(stop)
      })
    }, RECHECK_MS)
    await closed
    clearInterval(keepAlive)
    clearInterval(recheck)
    unsubscribe()
  })
}
