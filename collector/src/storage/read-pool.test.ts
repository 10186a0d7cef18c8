import type { ClickHouseClient } from '@clickhouse/client'
import { expect, it } from 'vitest'
import { ReadPool } from './read-pool.js'

/** A session whose queries end when the test says so; it records what it was given. */
function fakeSession(name: string, log: string[], running: { now: number; most: number }) {
  const pending: Array<() => void> = []
  const session = {
    query: async (p: { query: string; query_params?: unknown }) => {
      running.now++
      running.most = Math.max(running.most, running.now)
      log.push(`${name}:${p.query}`)
      expect(p.query_params).toBeUndefined()
      await new Promise<void>((done) => pending.push(done))
      running.now--
      if (p.query.includes('fail')) throw new Error('engine said no')
      return { json: async () => [p.query] }
    },
    close: async () => {},
  }
  return { session: session as unknown as ClickHouseClient, finish: () => pending.shift()?.() }
}

const tick = () => new Promise((r) => setImmediate(r))

it('runs at most one query per session, the waiting ones first come first served, and a failed query frees its session', async () => {
  const log: string[] = []
  const running = { now: 0, most: 0 }
  const a = fakeSession('a', log, running)
  const b = fakeSession('b', log, running)
  const pool = new ReadPool([a.session, b.session])
  const q = (sql: string) => pool.query({ query: sql, query_params: { n: 1 }, format: 'JSONEachRow' })
  const results = [q('SELECT {n:UInt32} AS one'), q('SELECT fail'), q('SELECT 3'), q('SELECT 4')]
  await tick()
  expect(running.now).toBe(2) // two sessions: two at once, the others wait
  expect([...log].sort()).toEqual(['a:SELECT fail', 'b:SELECT toUInt32(1) AS one']) // values written in
  a.finish() // the failure frees a …
  await expect(results[1]).rejects.toThrow('engine said no')
  await tick()
  expect(log[2]).toBe('a:SELECT 3') // … and the first waiting query takes it
  b.finish()
  await tick()
  expect(log[3]).toBe('b:SELECT 4')
  a.finish()
  b.finish()
  expect(await Promise.all([results[0], results[2], results[3]].map(async (r) => (await r!).json()))).toEqual([['SELECT toUInt32(1) AS one'], ['SELECT 3'], ['SELECT 4']])
  expect(running.most).toBe(2)
})

it('refuses a query whose values it cannot write in, without taking a session', async () => {
  const log: string[] = []
  const a = fakeSession('a', log, { now: 0, most: 0 })
  const pool = new ReadPool([a.session])
  await expect(pool.query({ query: 'SELECT {s:String}', query_params: { s: 5 } })).rejects.toMatchObject({ code: 'ERR_UNBINDABLE_PARAM' })
  expect(log).toEqual([])
})

it('refuses per-call settings (chDB would SET them on the session for good)', async () => {
  const log: string[] = []
  const pool = new ReadPool([fakeSession('a', log, { now: 0, most: 0 }).session])
  await expect(pool.query({ query: 'SELECT 1', clickhouse_settings: { max_threads: 1 } })).rejects.toMatchObject({ code: 'ERR_UNLISTED_SETTING' })
  expect(log).toEqual([])
})

it('drops a query aborted while it waited for a session, and serves the next', async () => {
  const log: string[] = []
  const a = fakeSession('a', log, { now: 0, most: 0 })
  const pool = new ReadPool([a.session])
  const first = pool.query({ query: 'SELECT 1' })
  const abort = new AbortController()
  const waiting = pool.query({ query: 'SELECT 2', abort_signal: abort.signal })
  const next = pool.query({ query: 'SELECT 3' })
  abort.abort()
  await tick()
  a.finish()
  await first
  await expect(waiting).rejects.toThrow('aborted')
  await tick()
  expect(log).toEqual(['a:SELECT 1', 'a:SELECT 3'])
  a.finish()
  await next
})
