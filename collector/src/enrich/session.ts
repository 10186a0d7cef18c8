import { randomUUID } from 'node:crypto'
import { Lru } from './lru.js'

export interface SessionTrackerOptions {
  /** Inactivity that ends a session. Default 30 minutes. */
  timeoutMs?: number
  /** Visitors tracked at once; the least recently seen are forgotten first. Default 100,000. */
  maxEntries?: number
}

interface OpenSession {
  id: string
  lastSeen: number
}

/**
 * Session ids for events that arrive without one (server events, cookieless
 * pages): a visitor's events belong to one session until they are inactive for
 * `timeoutMs`. Times are the events' own (corrected) times, so a test or a replay
 * drives the clock. A new session id is 32 random hex characters.
 *
 * In memory and per process: a restart, or a visitor evicted from the LRU, starts
 * a new session.
 *
 * @example
 * const sessions = createSessionTracker()
 * sessions.sessionFor(visitorId, row.ts)
 */
export function createSessionTracker(options: SessionTrackerOptions = {}): {
  sessionFor(visitorId: string, at: number): string
} {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000
  const open = new Lru<string, OpenSession>(options.maxEntries ?? 100_000)
  const newId = () => randomUUID().replaceAll('-', '')

  return {
    sessionFor(visitorId: string, at: number): string {
      const session = open.get(visitorId)
      if (session && Math.abs(at - session.lastSeen) <= timeoutMs) {
        if (at > session.lastSeen) session.lastSeen = at
        return session.id
      }
      const id = newId()
      // An event far older than the open session (a late retry) gets its own
      // session and leaves the open one alone.
      if (!session || at > session.lastSeen) open.set(visitorId, { id, lastSeen: at })
      return id
    },
  }
}
