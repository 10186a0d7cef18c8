import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createConnectionVisitor, createSaltStore, visitorFromAnonId, visitorFromUserId } from './visitor.js'

const MIN = 60_000
const DAY = 24 * 60 * MIN
const D1 = Date.UTC(2026, 5, 1, 12, 0, 0)
const IP = '203.0.113.77'
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tally-salts-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('visitorFromAnonId / visitorFromUserId', () => {
  it('is a stable 32-hex hash per (site, id), different across sites', () => {
    expect(visitorFromAnonId('shop', 'a-1')).toMatch(/^[0-9a-f]{32}$/)
    expect(visitorFromAnonId('shop', 'a-1')).toBe(visitorFromAnonId('shop', 'a-1'))
    expect(visitorFromAnonId('shop', 'a-1')).not.toBe(visitorFromAnonId('blog', 'a-1'))
    expect(visitorFromUserId('shop', 'a-1')).not.toBe(visitorFromAnonId('shop', 'a-1'))
  })
})

describe('createSaltStore', () => {
  it('makes one 32-byte salt per UTC day and shares it with another store on the same folder', () => {
    const a = createSaltStore(dir).at(D1)
    expect(a).toMatchObject({ day: '2026-06-01', yesterday: null })
    expect(a.today).toHaveLength(32)
    expect(createSaltStore(dir).at(D1 + MIN).today.equals(a.today)).toBe(true)
    expect(readdirSync(dir)).toEqual(['salt-2026-06-01.json'])
  })

  it('keeps today and yesterday only', () => {
    const store = createSaltStore(dir)
    const d1 = store.at(D1).today
    const d2 = store.at(D1 + DAY)
    expect(d2.yesterday?.equals(d1)).toBe(true)
    expect(d2.today.equals(d1)).toBe(false)
    store.at(D1 + 2 * DAY)
    expect(readdirSync(dir).sort()).toEqual(['salt-2026-06-02.json', 'salt-2026-06-03.json'])
  })

  it('never goes back to an earlier day', () => {
    const store = createSaltStore(dir)
    const d2 = store.at(D1 + DAY)
    expect(store.at(D1)).toBe(d2)
  })
})

describe('createConnectionVisitor (cookieless)', () => {
  it('is equal for the same IP, UA, site and day; different across sites, IPs and UAs', () => {
    const visitor = createConnectionVisitor({ salts: createSaltStore(dir) })
    const id = visitor('shop', IP, UA, D1)
    expect(id).toMatch(/^[0-9a-f]{32}$/)
    expect(visitor('shop', IP, UA, D1 + 3 * 60 * MIN)).toBe(id)
    expect(visitor('blog', IP, UA, D1)).not.toBe(id)
    expect(visitor('shop', '203.0.113.78', UA, D1)).not.toBe(id)
    expect(visitor('shop', IP, `${UA} Edg/124.0`, D1)).not.toBe(id)
  })

  it('changes the next day for a visitor who was not active around midnight', () => {
    const visitor = createConnectionVisitor({ salts: createSaltStore(dir) })
    expect(visitor('shop', IP, UA, D1)).not.toBe(visitor('shop', IP, UA, D1 + DAY))
  })

  it('keeps yesterday’s id across midnight for a visitor active in the last 30 minutes', () => {
    const visitor = createConnectionVisitor({ salts: createSaltStore(dir) })
    const midnight = Date.UTC(2026, 5, 2)
    const before = visitor('shop', IP, UA, midnight - 10 * MIN)
    expect(visitor('shop', IP, UA, midnight + 10 * MIN)).toBe(before)
    expect(visitor('shop', IP, UA, midnight + 35 * MIN)).toBe(before) // still active: same session
    // Someone else, first seen after midnight, gets a today id.
    const other = visitor('shop', '198.51.100.1', UA, midnight + 36 * MIN)
    expect(visitor('shop', '198.51.100.1', UA, midnight + 37 * MIN)).toBe(other)
  })

  it('does not carry over after 30 minutes of silence', () => {
    const visitor = createConnectionVisitor({ salts: createSaltStore(dir) })
    const midnight = Date.UTC(2026, 5, 2)
    const before = visitor('shop', IP, UA, midnight - 40 * MIN)
    expect(visitor('shop', IP, UA, midnight + 1 * MIN)).not.toBe(before)
  })

  it('writes no IP to disk', () => {
    const visitor = createConnectionVisitor({ salts: createSaltStore(dir) })
    visitor('shop', IP, UA, D1)
    for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name), 'utf8')).not.toContain(IP)
  })
})
