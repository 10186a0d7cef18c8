import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ClickHouseClient } from '@clickhouse/client'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../config/schema.js'
import { openStorage, type Storage } from '../storage/client.js'
import { migrate } from '../storage/migrate.js'
import { visitEngagement } from './queries/visit-engagement.js'
import { visitPages } from './queries/visit-pages.js'
import { rangeShape } from './queries/range-shape.js'
import { ENGAGEMENT_TOTALS, IN_RANGE_DAYS } from './queries/fragments.js'
import { VisitSummaryCompactor } from './visit-summary-compactor.js'

// The summarised panels against the per-visit SQL they replace (the queries as they were
// before 012), on the real engine, over visits on the last eight UTC days.
const DAY = 86_400_000
const NOW = Date.now()
const TODAY = Math.floor(NOW / DAY)
const dateOf = (day: number) => new Date(day * DAY).toISOString().slice(0, 10)
const PER_VISIT_ENGAGEMENT = `${ENGAGEMENT_TOTALS}
  FROM (SELECT day >= {from:Date} AS cur, pageviews AS pv, dateDiff('millisecond', started, ended) AS ms
        FROM tally.sessions_daily FINAL
        WHERE site_id = {site:String} AND day BETWEEN {prev_from:Date} AND {to:Date} AND pageviews > 0)`
const PER_VISIT_ENTRY_EXIT = `SELECT label, count() AS visits
  FROM (SELECT if({by:String} = 'entry', finalizeAggregation(entry), finalizeAggregation(exit)) AS label
        FROM tally.session_pages_daily FINAL WHERE site_id = {site:String} AND ${IN_RANGE_DAYS})
  GROUP BY label ORDER BY visits DESC, label LIMIT {limit:UInt32}`
const PAGES = ['/', '/pricing', '/docs', '/blog', '/signup', '/about']
let storage: Storage

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-visit-summaries-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, storage.database)
  let seed = 7
  const r = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32)
  const rows: Record<string, unknown>[] = []
  for (let day = TODAY - 7; day <= TODAY; day++) {
    const start = day * DAY
    for (let s = 0; s < 30 + (day % 5) * 7; s++) {
      const session = `s${day}-${s}`
      const first = day === TODAY ? start + r() * Math.min(DAY, NOW - start) * 0.5 : start + r() * (DAY - 3_600_000)
      const views = 1 + Math.floor(r() * 4)
      for (let v = 0; v < views; v++) rows.push(event(session, first + v * r() * 300_000, 'pageview', PAGES[Math.floor(r() * PAGES.length)]!))
      if (s % 6 === 0) rows.push(event(session, first + 1_000, 'track', '/', 'signup'))
      if (s % 9 === 0) rows.push({ ...event(`bot${day}-${s}`, first, 'pageview', '/bot'), is_bot: 1 })
    }
    rows.push(event(`night${day}`, start - 60_000, 'pageview', '/late'), event(`night${day}`, start + 60_000, 'pageview', '/early')) // crosses midnight
    rows.push(event(`tracks${day}`, start + 5_000, 'track', '/', 'download')) // a visit without page views
  }
  await storage.client.insert({ table: 'tally.events', values: rows, format: 'JSONEachRow' })
}, 60_000)
afterAll(async () => {
  await storage?.close()
})

function event(session: string, ts: number, type: string, path: string, name = type): Record<string, unknown> {
  const at = new Date(Math.floor(ts)).toISOString().replace('T', ' ').replace('Z', '')
  return { site_id: 'a', ts: at, received_at: at, id: randomUUID(), type, name, visitor_id: `v-${session}`, session_id: session, url: `https://a.example${path}`, hostname: 'a.example', path, is_bot: 0, source: 'browser' }
}

type VisitRow = { dim: string; label: string; visits: number } & Record<string, unknown>
/** One page panel's rows of {@link visitPages}' answer. */
const pagesOf = (all: VisitRow[], dim: string) => all.filter((r) => r.dim === dim).map(({ label, visits }) => ({ label, visits }))

async function rows(client: Pick<ClickHouseClient, 'query'>, sql: string, params: Record<string, unknown>): Promise<unknown[]> {
  return (await client.query({ query: sql, query_params: params, format: 'JSONEachRow' })).json()
}

/** Both panels for days `from`…`to` (back from today), by the summarised queries and by the per-visit SQL. */
async function answers(from: number, to: number) {
  const params = { site: 'a', tz: 'UTC', from: dateOf(TODAY - from), to: dateOf(TODAY - to), prev_from: dateOf(TODAY - from - (from - to + 1)), prev_to: dateOf(TODAY - from - 1), limit: 100 }
  const read = storage.readClient // the dashboard's read-only session
  const entry = { ...params, by: 'entry' }
  const exit = { ...params, by: 'exit' }
  // one query answers both page panels: its rows' `dim` says which (today alone: per visit only)
  const all = (await rows(read, visitPages.sql('tally', rangeShape({ ...params, hourly: 0 }, NOW)), params)) as VisitRow[]
  return {
    summarised: [await rows(read, visitEngagement.sql('tally'), params), pagesOf(all, 'entry'), pagesOf(all, 'exit')],
    perVisit: [await rows(read, PER_VISIT_ENGAGEMENT, params), await rows(read, PER_VISIT_ENTRY_EXIT, entry), await rows(read, PER_VISIT_ENTRY_EXIT, exit)],
  }
}

async function expectSameAnswers(): Promise<void> {
  for (const [from, to] of [[6, 0], [7, 2], [5, 3], [3, 3], [1, 0], [0, 0]] as const) {
    const { summarised, perVisit } = await answers(from, to)
    expect(summarised, `days -${from}…-${to}`).toEqual(perVisit)
  }
}

const summaryDays = async () =>
  (await rows(storage.client, `SELECT toString(day) AS day, toString(stamp) AS stamp FROM tally.visit_summaries_daily ORDER BY day, computed_at`, {})) as { day: string; stamp: string }[]
const stampOf = async (day: number) =>
  ((await rows(storage.client, `SELECT toString(sum(events)) AS s FROM tally.traffic_daily WHERE site_id = 'a' AND day = {day:Date}`, { day: dateOf(day) }))[0] as { s: string }).s

it('summaries of closed days only; the panels answer as the per-visit SQL does', async () => {
  const compactor = new VisitSummaryCompactor({ client: storage.client, database: 'tally', quietMs: 0, daysPerRound: 100, now: () => NOW })
  expect(await compactor.compact()).toEqual({ computed: 8, waiting: 0 })
  const days = (await summaryDays()).map((s) => s.day)
  expect(days).toEqual([8, 7, 6, 5, 4, 3, 2, 1].map((d) => dateOf(TODAY - d))) // not today (8: a visit's evening before)
  const [summary] = await rows(storage.client, `SELECT visits, entry_paths FROM tally.visit_summaries_daily WHERE day = {d:Date}`, { d: dateOf(TODAY - 4) }) as { visits: string; entry_paths: string[] }[]
  expect(Number(summary!.visits)).toBeGreaterThan(10)
  expect(summary!.entry_paths).toContain('/early') // the visit from the evening before enters again after midnight
  await expectSameAnswers()
  expect(await compactor.compact()).toEqual({ computed: 0, waiting: 0 }) // nothing stale: no work
})

it('a late event for a summarised day changes the answer at once; the next round recomputes the day', async () => {
  const compactor = new VisitSummaryCompactor({ client: storage.client, database: 'tally', quietMs: 0, now: () => NOW })
  await compactor.compact()
  const day = TODAY - 3
  const before = await answers(3, 3)
  await storage.client.insert({ table: 'tally.events', values: [event('late-visit', day * DAY + 40_000_000, 'pageview', '/late-arrival')], format: 'JSONEachRow' })
  const after = await answers(3, 3)
  expect(after.summarised).toEqual(after.perVisit) // the stale summary is not used
  expect(after.summarised).not.toEqual(before.summarised)
  expect(JSON.stringify(after.summarised[1])).toContain('/late-arrival')

  expect(await compactor.compact()).toEqual({ computed: 1, waiting: 0 })
  const newest = (await summaryDays()).filter((s) => s.day === dateOf(day)).at(-1)!
  expect(newest.stamp).toBe(await stampOf(day))
  await expectSameAnswers()
})

it('computes a day only after its stamp stayed the same for quietMs; a change restarts the wait', async () => {
  let now = NOW
  const compactor = new VisitSummaryCompactor({ client: storage.client, database: 'tally', quietMs: 30_000, now: () => now })
  const day = TODAY - 5
  await storage.client.insert({ table: 'tally.events', values: [event('later', day * DAY + 50_000_000, 'pageview', '/')], format: 'JSONEachRow' })
  expect(await compactor.compact()).toEqual({ computed: 0, waiting: 1 })
  now += 20_000
  await storage.client.insert({ table: 'tally.events', values: [event('later', day * DAY + 50_100_000, 'pageview', '/docs')], format: 'JSONEachRow' })
  expect(await compactor.compact()).toEqual({ computed: 0, waiting: 1 }) // changed since the first read
  now += 29_000
  expect(await compactor.compact()).toEqual({ computed: 0, waiting: 1 })
  now += 1_000
  expect(await compactor.compact()).toEqual({ computed: 1, waiting: 0 })
  await expectSameAnswers()
})

it('a round cut short leaves whole summaries or none: every answer stays exact', async () => {
  for (const d of [2, 4, 6]) {
    await storage.client.insert({ table: 'tally.events', values: [event(`cut${d}`, (TODAY - d) * DAY + 30_000_000, 'pageview', '/cut')], format: 'JSONEachRow' })
  }
  let commands = 0
  const dying = new Proxy(storage.client, {
    get(target, key, receiver) {
      if (key !== 'command') return Reflect.get(target, key, receiver)
      return async (...args: Parameters<ClickHouseClient['command']>) => {
        if (++commands > 1) throw new Error('process killed') // the second day's insert never runs
        return target.command(...args)
      }
    },
  })
  const compactor = new VisitSummaryCompactor({ client: dying, database: 'tally', quietMs: 0, now: () => NOW })
  await expect(compactor.compact()).rejects.toThrow('process killed')
  const fresh = async () => {
    const summaries = await summaryDays()
    let n = 0
    for (const d of [2, 4, 6]) if (summaries.filter((s) => s.day === dateOf(TODAY - d)).at(-1)?.stamp === (await stampOf(TODAY - d))) n++
    return n
  }
  expect(await fresh()).toBe(1)
  await expectSameAnswers() // one day from its new summary, two from the per-visit rows
  const healthy = new VisitSummaryCompactor({ client: storage.client, database: 'tally', quietMs: 0, now: () => NOW })
  expect(await healthy.compact()).toEqual({ computed: 2, waiting: 0 })
  expect(await fresh()).toBe(3)
  await expectSameAnswers()
})

it('the panels do read the summaries (a planted one with the current stamp shows)', async () => {
  const day = TODAY - 4
  const params = { site: 'a', tz: 'UTC', from: dateOf(day), to: dateOf(day), prev_from: dateOf(day - 1), prev_to: dateOf(day - 1), limit: 100, by: 'entry' }
  await storage.client.command({
    query: `INSERT INTO tally.visit_summaries_daily SELECT 'a', {day:Date}, {stamp:UInt64}, 1000, 0, 0, ['/planted'], [1000], [], [], now64(3) + 1`,
    query_params: { day: dateOf(day), stamp: await stampOf(day) },
  })
  const all = (await rows(storage.readClient, visitPages.sql('tally'), params)) as VisitRow[]
  const [entry] = pagesOf(all, 'entry')
  expect([entry!.label, Number(entry!.visits)]).toEqual(['/planted', 1000])
  const [totals] = (await rows(storage.readClient, visitEngagement.sql('tally'), params)) as { visit_count: number; bounce_count: number }[]
  expect([Number(totals!.visit_count), Number(totals!.bounce_count)]).toEqual([1000, 0])
})
