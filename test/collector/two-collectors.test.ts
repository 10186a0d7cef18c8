import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startClickHouseHttpFront, type FrontProcess } from '../support/clickhouse-http-front.js'
import { isInsertInto, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js'
import { metric, until } from '../support/collector-probes.js'
import { pageview, sendBatch } from '../support/send.js'

// Two collectors (server mode, each with its own data folder and spool) in front of one
// ClickHouse (the HTTP test front, through a fault proxy). What they guarantee for the
// same (site, id): each writer asks event_ids before it inserts, so a repeat that
// arrives after the first copy is stored is skipped, whichever collector gets it; two
// copies that race (both lookups before either insert lands) are both stored, once per
// collector, so at most once per collector that received it. Sites never collide.
const USER = 'tally'
const PASSWORD = 'front-password'
const intoEvents = isInsertInto('tally.events')

let dir: string
let front: FrontProcess
let proxy: FaultProxy
let a: CollectorProcess
let b: CollectorProcess

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-two-collectors-'))
  // /v1/sql (how the test reads what was stored) runs as a read-only user in server mode
  front = await startClickHouseHttpFront({ dataDir: join(dir, 'clickhouse'), user: USER, password: PASSWORD, readOnlyUser: 'reader', readOnlyPassword: 'reader-password' })
  proxy = await startFaultProxy(front.url)
  const env = { CLICKHOUSE_URL: proxy.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD, CLICKHOUSE_SQL_USER: 'reader', CLICKHOUSE_SQL_PASSWORD: 'reader-password', CLICKHOUSE_TIMEOUT_MS: '10000', TALLY_MAX_BACKOFF_MS: '200' }
  a = await startCollector({ env }) // runs the migrations
  // B seals its segments after 1 s: what is sent to it at once is written in one round.
  b = await startCollector({ env: { ...env, TALLY_FLUSH_INTERVAL_MS: '1000' } })
})

afterAll(async () => {
  await a?.cleanup()
  await b?.cleanup()
  await proxy?.close()
  await front?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Sends one page view with this id (and a page of its own, for the rollup) to `c` for `site`; it must be acked. */
async function sendOne(c: CollectorProcess, site: string, id: string): Promise<void> {
  const res = await sendBatch(c.url, [pageview({ id, url: `https://shop.example/${id}` })], { token: await c.token({ site }) })
  expect(res.status, await res.text()).toBe(202)
}

/** How many times each site stored this id (in events, and as page views in the rollup). */
async function storedTimes(id: string): Promise<Record<string, { n: number; pv: number }>> {
  await Promise.all([a.waitForDrain(), b.waitForDrain()])
  const events = await a.sql<{ site: string; n: string }>('SELECT site_id AS site, count() AS n FROM tally.events WHERE id = {id:UUID} GROUP BY site', { id })
  const out: Record<string, { n: number; pv: number }> = {}
  for (const { site, n } of events) {
    const [rollup] = await a.sql<{ pv: string }>(
      'SELECT sum(pageviews) AS pv FROM tally.pages_daily WHERE site_id = {site:String} AND path = {path:String}',
      { site, path: `/${id}` },
    )
    out[site] = { n: Number(n), pv: Number(rollup!.pv) }
  }
  return out
}

describe('two collectors, one ClickHouse', () => {
  it('the same (site, id) sent to A, stored, then sent to B: stored once (B skips it)', async () => {
    const id = crypto.randomUUID()
    await sendOne(a, 'test', id)
    await until('A to store it', async () => (await storedTimes(id)).test?.n === 1)
    const duplicates = (await metric(b.url, 'tally_events_duplicate_total'))!
    await sendOne(b, 'test', id)
    await until('B to skip it', async () => (await metric(b.url, 'tally_events_duplicate_total'))! > duplicates)
    expect((await storedTimes(id)).test?.n).toBe(1)
  })

  it('the same (site, id) sent to both at the same moment (both look it up before either inserts): stored once per collector, so twice', async () => {
    const id = crypto.randomUUID()
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    proxy.inject({ kind: 'hold', until: gate }, { match: (r) => intoEvents(r) && r.body.includes(id), times: 2 })
    try {
      await Promise.all([sendOne(a, 'test', id), sendOne(b, 'test', id)])
      // Both inserts are held, so both lookups ran and found nothing.
      await until('both inserts to be held', async () => proxy.log.filter((e) => e.outcome === 'held' && e.req.body.includes(id)).length === 2)
    } finally {
      release()
    }
    await until('both inserts to land', async () => proxy.log.filter((e) => e.outcome === 'held-then-forwarded' && e.upstreamStatus === 200 && e.req.body.includes(id)).length === 2)
    // Each collector inserts under its own deduplication token: ClickHouse keeps both.
    expect((await storedTimes(id)).test).toEqual({ n: 2, pv: 2 })
    // A later repeat, to either, is skipped: the race is the only way to a second copy.
    await sendOne(a, 'test', id)
    await sendOne(b, 'test', id)
    expect((await storedTimes(id)).test).toEqual({ n: 2, pv: 2 })
  })

  it('the same id for two sites, through two collectors: both stored (finding 4)', async () => {
    const id = crypto.randomUUID()
    const neighbour = crypto.randomUUID()
    await sendOne(a, 'test', id)
    await until('A to store it', async () => (await storedTimes(id)).test?.n === 1)
    // B's round holds both sites, so its lookup asks for both: `id` is stored, but for `test`.
    await Promise.all([sendOne(b, 'other', id), sendOne(b, 'test', neighbour)])
    await until('B to store its round', async () => (await storedTimes(neighbour)).test?.n === 1, 10_000)
    expect(await storedTimes(id)).toEqual({ test: { n: 1, pv: 1 }, other: { n: 1, pv: 1 } })
  })
})
