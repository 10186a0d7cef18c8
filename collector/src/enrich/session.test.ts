import { describe, expect, it } from 'vitest'
import { createSessionTracker } from './session.js'

const MIN = 60_000
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0)

describe('createSessionTracker', () => {
  it('continues a session within 30 minutes of inactivity and starts a new one after', () => {
    const sessions = createSessionTracker()
    const first = sessions.sessionFor('v1', T0)
    expect(first).toMatch(/^[0-9a-f]{32}$/)
    expect(sessions.sessionFor('v1', T0 + 10 * MIN)).toBe(first)
    expect(sessions.sessionFor('v1', T0 + 39 * MIN)).toBe(first) // 29 min after the last event
    const second = sessions.sessionFor('v1', T0 + 70 * MIN) // 31 min of silence
    expect(second).not.toBe(first)
    expect(sessions.sessionFor('v1', T0 + 75 * MIN)).toBe(second)
  })

  it('keeps visitors apart', () => {
    const sessions = createSessionTracker()
    expect(sessions.sessionFor('v1', T0)).not.toBe(sessions.sessionFor('v2', T0))
  })

  it('an event slightly out of order stays in the session; a much older one gets its own', () => {
    const sessions = createSessionTracker()
    const open = sessions.sessionFor('v1', T0)
    expect(sessions.sessionFor('v1', T0 - 5 * MIN)).toBe(open)
    const stray = sessions.sessionFor('v1', T0 - 3 * 60 * MIN)
    expect(stray).not.toBe(open)
    expect(sessions.sessionFor('v1', T0 + MIN)).toBe(open)
  })

  it('honours a custom timeout and stays bounded', () => {
    const sessions = createSessionTracker({ timeoutMs: MIN, maxEntries: 1 })
    const a = sessions.sessionFor('v1', T0)
    expect(sessions.sessionFor('v1', T0 + 2 * MIN)).not.toBe(a)
    const b = sessions.sessionFor('v1', T0 + 3 * MIN)
    sessions.sessionFor('v2', T0 + 3 * MIN) // evicts v1
    expect(sessions.sessionFor('v1', T0 + 3 * MIN)).not.toBe(b)
  })
})
