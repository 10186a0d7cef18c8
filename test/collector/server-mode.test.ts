import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClickHouseError, ClickHouseLogLevel, createClient } from '@clickhouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startClickHouseHttpFront, type FrontProcess } from '../support/clickhouse-http-front.js'
import { isInsertInto, startFaultProxy, type FaultProxy, type ProxyLogEntry } from '../support/fault-proxy.js'
import { until as pollUntil } from '../support/collector-probes.js'

// Server mode (CLICKHOUSE_URL) over real HTTP: a collector child process talks through
// @clickhouse/client's HTTP transport to a fault proxy, in front of the ClickHouse-HTTP
// test front (a test stand-in for a ClickHouse server: the real engine behind a minimal
// HTTP front, in its own child process; see test/support/clickhouse-http-front.ts).
// The proxy closes its port, answers 5xx, hangs, or loses answers; whatever the fault,
// every acknowledged event must land in ClickHouse exactly once. Counts are read from
// ClickHouse (raw `events` and the `traffic_daily` rollup), so the checks hold whatever
// mechanism the writer uses (stored-id check, journalled deduplication token); the
// proxy's log shows what each try of an insert carried.

const USER = 'tally'
const PASSWORD = 'front-password'
/** /v1/sql runs as a read-only user of its own (never the writer's credentials). */
const SQL_USER = 'analyst'
const SQL_PASSWORD = 'analyst-password'
const TIMEOUT_MS = 2_000
/** One site per scenario, so each counts only its own events. */
const SITES = ['ok', 'down', 'failing', 'hanging', 'lost', 'late', 'crash'] as const
type Site = (typeof SITES)[number]

let dir: string
let front: FrontProcess
let proxy: FaultProxy
let c: CollectorProcess
const sent = new Map<Site, string[]>()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-server-mode-'))
  front = await startClickHouseHttpFront({ dataDir: join(dir, 'clickhouse'), user: USER, password: PASSWORD, readOnlyUser: SQL_USER, readOnlyPassword: SQL_PASSWORD })
  proxy = await startFaultProxy(front.url)
  c = await startCollector({
    sites: SITES.map((id) => ({ id, origins: ['*'] })),
    env: {
      CLICKHOUSE_URL: proxy.url,
      CLICKHOUSE_USER: USER,
      CLICKHOUSE_PASSWORD: PASSWORD,
      CLICKHOUSE_SQL_USER: SQL_USER,
      CLICKHOUSE_SQL_PASSWORD: SQL_PASSWORD,
      CLICKHOUSE_TIMEOUT_MS: String(TIMEOUT_MS),
      TALLY_MAX_BACKOFF_MS: '1000',
    },
  })
})

afterAll(async () => {
  await c?.cleanup()
  await proxy?.close()
  await front?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface WireEvent {
  id: string
  type: string
  name: string
  ts: number
  anon_id: string
  url: string
}

/** `perBatch` page views for `site` (three visitors). */
function pageviews(site: Site, perBatch = 5): WireEvent[] {
  return Array.from({ length: perBatch }, (_, i) => ({
    id: crypto.randomUUID(),
    type: 'pageview',
    name: 'pageview',
    ts: Date.now(),
    anon_id: `v${i % 3}`,
    url: `https://shop.example/${site}/${i}`,
  }))
}

/** Posts one batch with plain fetch; it must be acked (202). */
async function post(site: Site, events: WireEvent[]): Promise<string[]> {
  const res = await fetch(`${c.url}/v1/batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await c.token({ site })}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ sent_at: Date.now(), events }),
    signal: AbortSignal.timeout(5_000),
  })
  expect(res.status, await res.clone().text()).toBe(202)
  expect(((await res.json()) as { accepted: number }).accepted).toBe(events.length)
  const ids = events.map((e) => e.id)
  sent.set(site, [...(sent.get(site) ?? []), ...ids])
  return ids
}

/** Sends `batches` batches of `perBatch` page views for `site`. */
async function send(site: Site, batches: number, perBatch = 5): Promise<string[]> {
  const ids: string[] = []
  for (let b = 0; b < batches; b++) ids.push(...(await post(site, pageviews(site, perBatch))))
  return ids
}

interface Counts {
  n: number
  u: number
  pv: number
}

/** Rows, distinct ids and rollup page views for `site`, read through the collector (so through the proxy). */
async function counts(site: Site): Promise<Counts> {
  const [raw] = await c.sql<{ n: string; u: string }>('SELECT count() AS n, uniqExact(id) AS u FROM tally.events WHERE site_id = {site:String}', { site })
  const [rollup] = await c.sql<{ pv: string }>('SELECT sum(pageviews) AS pv FROM tally.traffic_daily WHERE site_id = {site:String}', { site })
  return { n: Number(raw!.n), u: Number(raw!.u), pv: Number(rollup!.pv) }
}

async function metrics(): Promise<Map<string, number>> {
  const text = await (await fetch(`${c.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text()
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line)
    if (m) out.set(m[1]!, Number(m[2]))
  }
  return out
}

async function metric(name: string): Promise<number> {
  return (await metrics()).get(name) ?? NaN
}

/** `/readyz`; its ClickHouse ping can take up to the client timeout when requests hang. */
async function readyz(): Promise<{ status: number; body: { ready: boolean; checks: { clickhouse: string } } }> {
  const res = await fetch(`${c.url}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS + 3_000) })
  return { status: res.status, body: (await res.json()) as { ready: boolean; checks: { clickhouse: string } } }
}

/** The shared poll, with the collector's output on a timeout. */
function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  return pollUntil(what, probe, timeoutMs, () => `collector:\n${c.output}`)
}

/** Waits for the spool to drain, then checks that every acked event of `site` is stored once and counted once. */
async function expectExactlyOnce(site: Site): Promise<void> {
  const expected = sent.get(site)!.length
  await until(`${site}: ${expected} events stored`, async () => (await counts(site)).n >= expected)
  await until('the spool to drain', async () => {
    const m = await metrics()
    return m.get('tally_spool_bytes') === 0 && m.get('tally_spool_segments') === 0
  })
  expect(await counts(site)).toEqual({ n: expected, u: expected, pv: expected })
  const [stored] = await c.sql<{ n: string }>('SELECT count() AS n FROM tally.events WHERE id IN {ids:Array(UUID)}', { ids: sent.get(site)! })
  expect(Number(stored!.n)).toBe(expected)
}

/** Inserts into `tally.events` that carried event `id` (the proxy sees each request's rows). */
function insertsOf(id: string): ProxyLogEntry[] {
  const isEvents = isInsertInto('tally.events')
  return proxy.log.filter((e) => isEvents(e.req) && e.req.body.includes(id))
}

/** Each try of the insert that carried `id`: [what the proxy did, what ClickHouse answered, its dedup token]. */
function triesOf(id: string): [string, number | undefined, string | null][] {
  return insertsOf(id).map((e) => [e.outcome, e.upstreamStatus, new URL(e.req.url, 'http://x').searchParams.get('insert_deduplication_token')])
}

/**
 * The first try reached ClickHouse and was stored, but the collector heard `outcome`;
 * every later try (if any) resent the same block with the same deduplication token, so
 * ClickHouse skipped it in `events` and in every rollup.
 */
function expectRetriesDeduplicated(id: string, outcome: string): void {
  const tries = triesOf(id)
  expect(tries[0]?.slice(0, 2)).toEqual([outcome, 200])
  const token = tries[0]![2]
  for (const t of tries.slice(1)) expect(t[2]).toBe(token)
}

describe('the ClickHouse-HTTP test front', () => {
  it('answers @clickhouse/client as a server would: ping, parameters, settings, inserts, errors, authentication', async () => {
    const client = createClient({ url: front.url, username: USER, password: PASSWORD, request_timeout: 5_000, log: { level: ClickHouseLogLevel.OFF } })
    const stranger = createClient({ url: front.url, username: USER, password: 'wrong', request_timeout: 5_000, log: { level: ClickHouseLogLevel.OFF } })
    try {
      expect(await client.ping()).toEqual({ success: true })
      const rs = await client.query({
        query: 'SELECT {s:String} AS s, {a:Array(String)} AS a, {n:Int64} AS n',
        query_params: { s: "it's a \\ and a\ttab", a: ["o'clock", 'back\\slash'], n: -42 },
        format: 'JSONEachRow',
      })
      expect(await rs.json()).toEqual([{ s: "it's a \\ and a\ttab", a: ["o'clock", 'back\\slash'], n: -42 }])
      // Settings apply to their request only.
      const withSetting = await client.query({ query: "SELECT getSetting('max_threads') AS t", format: 'JSONEachRow', clickhouse_settings: { max_threads: 1 } })
      expect(await withSetting.json()).toEqual([{ t: 1 }])
      const after = await client.query({ query: "SELECT getSetting('max_threads') = 1 AS leaked", format: 'JSONEachRow' })
      expect(await after.json()).toEqual([{ leaked: 0 }])
      await client.command({ query: 'CREATE TABLE IF NOT EXISTS default.front_check (s String) ENGINE = Memory' })
      const inserted = await client.insert({ table: 'default.front_check', values: [{ s: 'a' }, { s: "b'\\" }], format: 'JSONEachRow' })
      expect(inserted.summary?.written_rows).toBe('2')
      const back = await client.query({ query: 'SELECT s FROM default.front_check ORDER BY s', format: 'JSONEachRow' })
      expect(await back.json()).toEqual([{ s: 'a' }, { s: "b'\\" }])
      const missing = await client.query({ query: 'SELECT * FROM tally.no_such_table', format: 'JSONEachRow' }).catch((e: unknown) => e)
      expect(missing).toBeInstanceOf(ClickHouseError)
      expect(missing).toMatchObject({ code: '60', type: 'UNKNOWN_TABLE' })
      const readonly = await client.command({ query: 'CREATE TABLE tally.x (a UInt8) ENGINE = Memory', clickhouse_settings: { readonly: '2' } }).catch((e: unknown) => e)
      expect(readonly).toMatchObject({ code: '164', type: 'READONLY' })
      expect(await stranger.query({ query: 'SELECT 1' }).catch((e: unknown) => e)).toMatchObject({ code: '516', type: 'AUTHENTICATION_FAILED' })
    } finally {
      await client.close()
      await stranger.close()
    }
  })
})

describe('server mode over HTTP, through a fault proxy', () => {
  it('(a) success: an acked batch lands in events and in the rollups', async () => {
    expect(c.output).toMatch(/"storage":"server"/)
    const ids = await send('ok', 2)
    await expectExactlyOnce('ok')
    const [rollups] = await c.sql<Record<string, string>>(
      `SELECT
         (SELECT sum(pageviews) FROM tally.traffic_hourly WHERE site_id = 'ok') AS hourly_pv,
         (SELECT uniqMerge(visitors) FROM tally.traffic_daily WHERE site_id = 'ok') AS daily_uv,
         (SELECT sum(pageviews) FROM tally.pages_daily WHERE site_id = 'ok') AS pages_pv,
         (SELECT uniqExact(visitor_id) FROM tally.events WHERE site_id = 'ok') AS raw_uv`,
    )
    expect(Number(rollups!.hourly_pv)).toBe(10)
    expect(Number(rollups!.pages_pv)).toBe(10)
    expect(Number(rollups!.daily_uv)).toBe(3)
    expect(Number(rollups!.raw_uv)).toBe(3)
    // It really went over HTTP, through the proxy, authenticated.
    expect(insertsOf(ids[0]!).map((e) => e.clientStatus)).toEqual([200])
    const ready = await readyz()
    expect(ready.status).toBe(200)
    expect(ready.body.checks.clickhouse).toBe('ok')
  })

  it('(b) ClickHouse down (closed port): acked meanwhile, not ready, errors counted, then drained exactly once', async () => {
    const errorsBefore = await metric('tally_writer_errors_total')
    await proxy.down()
    try {
      await send('down', 3)
      const notReady = await until('readyz to report ClickHouse unreachable', async () => {
        const r = await readyz()
        return r.status === 503 ? r : undefined
      })
      expect(notReady.body.ready).toBe(false)
      expect(notReady.body.checks.clickhouse).toMatch(/^unreachable/)
      await until('writer errors to rise', async () => (await metric('tally_writer_errors_total')) >= errorsBefore + 2)
      expect(await metric('tally_spool_bytes')).toBeGreaterThan(0)
      await send('down', 1)
    } finally {
      await proxy.up()
    }
    await expectExactlyOnce('down')
    expect((await readyz()).status).toBe(200)
  })

  it('(c) ClickHouse answering 503 then 500, and an insert done but answered 500: drained exactly once', async () => {
    const errorsBefore = await metric('tally_writer_errors_total')
    proxy.failAll(503)
    try {
      await send('failing', 2)
      await until('writer errors to rise (503)', async () => (await metric('tally_writer_errors_total')) >= errorsBefore + 1)
      const notReady = await readyz()
      expect(notReady.status).toBe(503)
      expect(notReady.body.checks.clickhouse).toMatch(/^unreachable/)
      const errorsAt503 = await metric('tally_writer_errors_total')
      proxy.failAll(500)
      await send('failing', 1)
      await until('writer errors to rise (500)', async () => (await metric('tally_writer_errors_total')) >= errorsAt503 + 1)
    } finally {
      proxy.clear()
    }
    // Back, except that the first insert of these events is carried out and answered 500.
    const ids = sent.get('failing')!
    proxy.inject({ kind: 'forward-then-error', status: 500 }, { match: (r) => isInsertInto('tally.events')(r) && r.body.includes(ids[0]!), times: 1 })
    await expectExactlyOnce('failing')
    expectRetriesDeduplicated(ids[0]!, 'forwarded-then-error')
  })

  it('(d) ClickHouse hanging (timeouts): not ready, errors counted, then drained exactly once', async () => {
    const errorsBefore = await metric('tally_writer_errors_total')
    proxy.hangAll()
    try {
      await send('hanging', 2)
      const [notReady] = await Promise.all([
        readyz(),
        until('a writer timeout', async () => (await metric('tally_writer_errors_total')) >= errorsBefore + 1, 3 * TIMEOUT_MS),
      ])
      expect(notReady.status).toBe(503)
      expect(notReady.body.checks.clickhouse).toMatch(/^unreachable: .*abort/i) // the probe gives up after 1 s
      expect(c.output).toMatch(/writer round failed; will retry.*Timeout error/)
    } finally {
      proxy.clear()
    }
    await expectExactlyOnce('hanging')
  })

  it('(d) an insert that succeeded but whose answer was lost (timeout) is not counted twice', async () => {
    const errorsBefore = await metric('tally_writer_errors_total')
    const events = pageviews('lost')
    const ids = events.map((e) => e.id)
    // The first insert carrying this batch reaches ClickHouse, which stores it; its answer never comes back.
    proxy.inject({ kind: 'forward-then-hang' }, { match: (r) => isInsertInto('tally.events')(r) && r.body.includes(ids[0]!), times: 1 })
    await post('lost', events)
    await proxy.waitForLog((e) => e.outcome === 'forwarded-then-hung' && e.req.body.includes(ids[0]!), 10_000)
    await until('the lost answer to time out', async () => (await metric('tally_writer_errors_total')) > errorsBefore, 3 * TIMEOUT_MS)
    await expectExactlyOnce('lost')
    expectRetriesDeduplicated(ids[0]!, 'forwarded-then-hung')
  })

  // A server can commit an insert after its client gave up (an insert delayed by
  // too-many-parts throttling, a slow materialized view): the retry then finds nothing
  // stored, inserts, and the late original arrives after it. The stored-id check cannot
  // see that; the shared deduplication token must make ClickHouse skip the late block.
  it('(d) an insert that the server commits only after its retry is not counted twice', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const errorsBefore = await metric('tally_writer_errors_total')
    const events = pageviews('late')
    const ids = events.map((e) => e.id)
    proxy.inject({ kind: 'hold', until: gate }, { match: (r) => isInsertInto('tally.events')(r) && r.body.includes(ids[0]!), times: 1 })
    try {
      await post('late', events)
      await proxy.waitForLog((e) => e.outcome === 'held' && e.req.body.includes(ids[0]!), 5_000)
      await until('the held insert to time out', async () => (await metric('tally_writer_errors_total')) > errorsBefore, 3 * TIMEOUT_MS)
      // The retry stores the batch and the spool drains while the first try is still held.
      await until('the retry to store the batch', async () => (await counts('late')).n === 5)
      await until('the spool to drain', async () => (await metric('tally_spool_bytes')) === 0)
      release()
      await proxy.waitForLog((e) => e.outcome === 'held-then-forwarded' && e.req.body.includes(ids[0]!) && e.upstreamStatus === 200, 5_000)
    } finally {
      release()
      proxy.clear()
    }
    await expectExactlyOnce('late')
    const tries = triesOf(ids[0]!)
    expect(tries.length).toBeGreaterThanOrEqual(2)
    expect(tries[0]!.slice(0, 2)).toEqual(['held-then-forwarded', 200])
    expect(new Set(tries.map((t) => t[2])).size).toBe(1)
  })

  it('(e) kill -9 while ClickHouse is down, restart while still down, ClickHouse back: every acked event once', async () => {
    await proxy.down()
    try {
      await send('crash', 3)
      await c.kill9()
      // The collector starts without ClickHouse: the spool takes events, migrations wait.
      await c.restart()
      const ready = await fetch(`${c.url}/readyz`)
      expect(ready.status).toBe(503)
      expect((await ready.json()).checks.schema).toMatch(/^migrations pending/)
      await send('crash', 2)
    } finally {
      await proxy.up()
    }
    await expectExactlyOnce('crash')
    // Nothing acked earlier moved.
    for (const site of ['ok', 'down', 'failing', 'hanging', 'lost'] as const) {
      const n = sent.get(site)!.length
      expect(await counts(site), site).toEqual({ n, u: n, pv: n })
    }
  })
})
