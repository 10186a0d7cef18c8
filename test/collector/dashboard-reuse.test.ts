import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { configSchema } from '../../collector/src/config/schema.js'
import { mountDashboard } from '../../collector/src/dashboard/route.js'
import { AnswerCache } from '../../collector/src/dashboard/answer-cache.js'
import { SettledReadings } from '../../collector/src/dashboard/settled-readings.js'
import { openStorage, type Storage } from '../../collector/src/storage/client.js'
import { migrate } from '../../collector/src/storage/migrate.js'
import { makeRows } from '../support/rows.js'

// What the dashboard's routes read again, on the real embedded engine (its read-only
// session is watched for which queries it runs). The analytics page: viewers who ask for
// the same view at the same data version share one run of its panels; live visitors are
// read for each; a new event moves the version and the next answer counts it. The big
// screen: once its reading has settled, a quiet site costs a version read per poll.
let storage: Storage
let app: Hono
const db = 'tally'
const ran: string[] = []
/** The routes' clock (answers and screen readings): stepped, never waited for. */
let clock = 0

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-answers-')), clickhouse: {}, token: {}, spool: {}, writer: {}, orders: {}, sql: {}, sites: [{ id: 'test' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
  await migrate(storage.client, db)
  const query = storage.readClient.query.bind(storage.readClient)
  storage.readClient.query = ((params: Parameters<typeof query>[0]) => (ran.push(params.query), query(params))) as typeof query
  app = new Hono()
  // answers kept a minute: here only the data version can make the view run again
  const now = () => clock
  mountDashboard(app, {
    storage,
    tokens: ['dash-token'],
    sites: new Map(config.sites.map((s) => [s.id, s])),
    answers: new AnswerCache({ maxAgeMs: 60_000, now }),
    screens: new SettledReadings({ now }),
  })
})
afterAll(async () => storage?.close())

let seed = 0
async function insertPageviews(n: number): Promise<void> {
  const rows = makeRows({ count: n, sites: ['test'], visitors: n, days: 1, seed: ++seed, from: Date.now() - 60_000 }).map((row) => ({ ...row, ts: Date.now() - 1_000, type: 'pageview', name: 'pageview', received_at: Date.now(), is_bot: 0, bot: '' }))
  await storage.client.insert({ table: `${db}.events`, values: rows, format: 'JSONEachRow' })
}

async function view(query = ''): Promise<Record<string, any>> {
  const res = await app.request(`/v1/dashboard?site=test${query}`, { headers: { authorization: 'Bearer dash-token' } })
  expect(res.status).toBe(200)
  return res.json()
}

const count = (part: string) => ran.filter((sql) => sql.includes(part)).length
const TOTALS = 'uniqCombinedMergeIf(14)(uv, NOT cur) AS prev_visitors' // queries/totals.ts: once per run of the unfiltered view
const LIVE = 'INTERVAL 5 MINUTE' // queries/live.ts
const VERSION = 'AS order_changes' // queries/data-version.ts
const TICKER = 'argMax(status, sign) AS status' // queries/order-ticker.ts, once per run of the screen's panels

it('runs a view once for the viewers who ask for it together at one data version', async () => {
  await insertPageviews(3)
  ran.length = 0
  const answers = await Promise.all([view(), view(), view(), view()])
  for (const a of answers) {
    expect(a.totals[0].pageviews).toBe(3)
    expect(a.live[0].events).toBe(3)
    expect(a.pages).toEqual(answers[0]!.pages)
    expect(a.version).toEqual(answers[0]!.version)
  }
  expect(count(TOTALS)).toBe(1)
  expect(count(VERSION)).toBe(4)
  expect(count(LIVE)).toBe(4)
})

it('runs another view, and the same view again once the data version moves', async () => {
  const before = await view()
  ran.length = 0
  const filtered = await view('&f.page=/nowhere')
  expect(filtered.totals[0].pageviews).toBe(0)
  await insertPageviews(2)
  const after = await view()
  expect(after.version).not.toEqual(before.version)
  expect(after.totals[0].pageviews).toBe(5)
  expect(count(TOTALS)).toBe(1) // the unfiltered view's second run (the filtered one reads events)
  // and at the new version, kept again
  expect((await view()).totals[0].pageviews).toBe(5)
  expect(count(TOTALS)).toBe(1)
})

async function screen(): Promise<Record<string, any>> {
  const res = await app.request('/v1/dashboard/screen?site=test', { headers: { authorization: 'Bearer dash-token' } })
  expect(res.status).toBe(200)
  return res.json()
}

it('reads the screen\'s panels again while the data version is new, keeps a settled reading, and reads it again after 15 s', async () => {
  clock = 100_000
  ran.length = 0
  const first = await screen()
  await screen() // the same version, just after it was first seen: read again
  expect(count(TICKER)).toBe(2)
  clock += 1_000
  await screen() // 1 s after, equal to the one before: settled
  expect(count(TICKER)).toBe(3)
  ran.length = 0
  for (let i = 0; i < 3; i++) expect((await screen()).totals).toEqual(first.totals)
  expect(count(TICKER)).toBe(0)
  expect(count(VERSION)).toBe(3) // a quiet wall costs a version read per poll
  clock += 15_000
  await screen()
  expect(count(TICKER)).toBe(1) // kept at most 15 s: what moves no version shows by then
  await insertPageviews(1)
  const moved = await screen()
  expect(count(TICKER)).toBe(2)
  expect(moved.totals[0].pageviews).toBe(first.totals[0].pageviews + 1)
})
