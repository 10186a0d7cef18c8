import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import type { Storage } from '../storage/client.js'
import { migrate } from '../storage/migrate.js'
import type { EventRow } from '../storage/rows.js'
import { Spool } from '../spool/spool.js'
import { encodePayload } from '../spool/payload.js'
import { Metrics } from '../metrics/metrics.js'
import { createLogger } from '../logger.js'
import { makeRows } from '../../../test/support/rows.js'
import { Writer } from './writer.js'
import { InsertJournal } from './insert-journal.js'

// The Writer against the real engine (chDB in this process), with a spool whose
// segments are written directly: rows that pass validation today but that ClickHouse
// refuses (a lone surrogate), and clients that fail on purpose around the real one.
const engine = createClient({ connection: createChdbConnection({ path: mkdtempSync(join(tmpdir(), 'tally-writer-')) }) } as Parameters<typeof createClient>[0])
beforeAll(() => migrate(engine, 'tally'), 60_000)
afterAll(() => engine.close())

const storage = (client: ClickHouseClient): Storage => ({ client, readClient: client, sql: undefined, mode: 'embedded', database: 'tally', close: async () => {} })

function writer(dir: string, client: ClickHouseClient = engine, metrics = new Metrics()) {
  const spool = new Spool({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 1024 * 1024 })
  return { spool, metrics, writer: new Writer({ spool, journalDir: dir, storage: storage(client), metrics, logger: createLogger(false), flushIntervalMs: 10, maxBackoffMs: 20 }) }
}

/** A spool folder holding one sealed segment with `rows`. */
async function spoolWith(rows: EventRow[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-writer-spool-'))
  const spool = new Spool({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 64 * 1024 * 1024 })
  for (let i = 0; i < rows.length; i += 50) await spool.append(encodePayload({ events: rows.slice(i, i + 50), rejected: [] }))
  await spool.close()
  return dir
}

async function one<T>(query: string, params: Record<string, unknown> = {}): Promise<T> {
  return ((await (await engine.query({ query, query_params: params, format: 'JSONEachRow' })).json()) as T[])[0]!
}

async function until(what: string, probe: () => Promise<boolean> | boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const rowsOf = (site: string, count: number, seed: number) => makeRows({ count, sites: [site], visitors: 20, days: 1, seed }).map((r) => ({ ...r, is_bot: 0 as const, type: 'pageview' }))
const counts = async (site: string) => Object.fromEntries(Object.entries(await one<Record<string, unknown>>(
  'SELECT (SELECT count() FROM tally.events WHERE site_id = {s:String}) AS n, (SELECT uniqExact(id) FROM tally.events WHERE site_id = {s:String}) AS u, (SELECT sum(pageviews) FROM tally.traffic_daily WHERE site_id = {s:String}) AS pv',
  { s: site },
)).map(([k, v]) => [k, Number(v)]))

/** Inserts into events go through; `fail(n)` decides, per insert (0-based), whether it throws instead. */
function failingClient(fail: (n: number) => Error | undefined, tokens: string[] = []): ClickHouseClient {
  let n = 0
  return new Proxy(engine, {
    get(target, prop, receiver) {
      if (prop !== 'insert') return Reflect.get(target, prop, receiver)
      return async (params: Parameters<ClickHouseClient['insert']>[0]) => {
        if (params.table === 'tally.events') {
          const error = fail(n++)
          if (error) throw error
          const result = await target.insert(params)
          tokens.push(String(params.clickhouse_settings?.insert_deduplication_token))
          return result
        }
        return target.insert(params)
      }
    },
  })
}

describe('Writer: what the engine refuses', () => {
  it('quarantines a refused event with the engine message and stores every other row', async () => {
    const rows = rowsOf('iso-a', 300, 1)
    rows[137] = { ...rows[137]!, title: 'bad \ud800 title' }
    const dir = await spoolWith([...rows, ...rowsOf('iso-b', 40, 2)])
    const { writer: w, metrics, spool } = writer(dir)
    w.start()
    await until('the spool to drain', () => spool.segments().length === 0)
    await w.drain(1_000)
    expect(await counts('iso-a')).toEqual({ n: 299, u: 299, pv: 299 })
    expect(await counts('iso-b')).toEqual({ n: 40, u: 40, pv: 40 })
    const q = await one<{ reason: string; message: string; payload: string }>("SELECT reason, message, payload FROM tally.rejected_events WHERE site_id = 'iso-a'")
    expect(q.reason).toBe('engine:CANNOT_PARSE_ESCAPE_SEQUENCE')
    expect(q.message).toMatch(/surrogate/)
    expect(JSON.parse(q.payload)).toMatchObject({ id: rows[137]!.id, title: 'bad \ud800 title' })
    expect(metrics.render()).toContain('tally_events_quarantined_total{reason="engine:CANNOT_PARSE_ESCAPE_SEQUENCE"} 1')
  })

  it('a crash mid-bisect, replayed by a new writer, stores each row once (same sub-blocks, same tokens)', async () => {
    const rows = rowsOf('replay', 64, 3)
    rows[5] = { ...rows[5]!, props: { '\ud83d': 'x' } }
    const dir = await spoolWith(rows)
    // First life: [0,64), [0,32), [0,16), [0,8) are refused (row 5), [0,4) goes in, then the process "dies".
    const before: string[] = []
    const first = writer(dir, failingClient((n) => (n >= 5 ? Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) : undefined), before))
    first.writer.start()
    await until('the first life to fail', () => first.metrics.writerErrors > 0)
    expect(await first.writer.drain(100)).toBe(false)
    expect(existsSync(join(dir, 'insert.pending'))).toBe(true)
    expect(before).toEqual([expect.stringMatching(/:0-4$/)])
    // Second life on the same folder: the journal is replayed.
    const after: string[] = []
    const second = writer(dir, failingClient(() => undefined, after))
    second.writer.start()
    await until('the replay to drain', () => second.spool.segments().length === 0)
    await second.writer.drain(1_000)
    expect(after).toContain(before[0]) // the same sub-block, under the same token: skipped by ClickHouse
    expect(await counts('replay')).toEqual({ n: 63, u: 63, pv: 63 })
    expect(Number((await one<{ n: string }>("SELECT count() AS n FROM tally.rejected_events WHERE site_id = 'replay'")).n)).toBe(1)
  })
})

describe('Writer: shutdown', () => {
  it.each([
    ['hangs', (signal?: AbortSignal) => new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))))],
    ['keeps refusing', async () => { throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }],
  ])('drain returns by its deadline when ClickHouse %s, leaving spool and journal for the next start', async (_, insert) => {
    const dir = await spoolWith(rowsOf('drain', 10, 4))
    const client = new Proxy(engine, { get: (t, p, r) => (p === 'insert' ? (params: { abort_signal?: AbortSignal }) => insert(params.abort_signal) : Reflect.get(t, p, r)) })
    const { writer: w, spool } = writer(dir, client)
    w.start()
    await until('a first attempt', () => existsSync(join(dir, 'insert.pending')))
    const started = Date.now()
    expect(await w.drain(300)).toBe(false)
    expect(Date.now() - started).toBeLessThan(300 + 1_500) // generous: a hang would never return
    expect(spool.segments()).toHaveLength(1)
    expect(existsSync(join(dir, 'insert.pending'))).toBe(true)
  })
})

describe('Writer: ids per site, whatever the event time', () => {
  it('stores the same id for two sites, and a repeat of (site, id) once even 30 days apart', async () => {
    const [a] = rowsOf('ids-a', 1, 5)
    const b = { ...a!, site_id: 'ids-b' }
    const repeat = { ...a!, ts: a!.ts - 30 * 86_400_000 }
    for (const batch of [[a!, b], [repeat], [{ ...b, ts: b.ts + 40 * 86_400_000 }]]) {
      const { writer: w, spool } = writer(await spoolWith(batch))
      w.start()
      await until('drained', () => spool.segments().length === 0)
      await w.drain(1_000)
    }
    expect(await counts('ids-a')).toMatchObject({ n: 1 })
    expect(await counts('ids-b')).toMatchObject({ n: 1 })
  })
})

describe('Writer: a journal left by a crash after its insert', () => {
  it('never matches new segments that would reuse its numbers: what arrives after the restart is stored', async () => {
    // The crash: segments 1 and 2 were inserted and deleted, the journal not yet cleared.
    const dir = mkdtempSync(join(tmpdir(), 'tally-writer-stale-journal-'))
    const stale = await new InsertJournal(dir).write([1, 2], [])
    const { writer: w, spool } = writer(dir)
    const rows = rowsOf('stale-journal', 30, 9)
    await spool.append(encodePayload({ events: rows, rejected: [] }))
    await spool.seal()
    expect(spool.segments().map((s) => s.seq)).not.toContain(1)
    w.start()
    await until('drained', () => spool.segments().length === 0)
    await w.drain(1_000)
    expect(await counts('stale-journal')).toMatchObject({ n: 30, u: 30, pv: 30 })
    expect(stale.seqs).toEqual([1, 2])
  })
})
