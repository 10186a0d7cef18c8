import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startClickHouseHttpFront, type FrontProcess } from '../support/clickhouse-http-front.js'
import { isInsertInto, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js'
import { metric, readyz, sendPageviews, storedCounts, until } from '../support/collector-probes.js'

// Server mode (CLICKHOUSE_URL) over real HTTP, a fault proxy in front of the ClickHouse
// HTTP test front (the real engine behind a minimal HTTP front; see
// test/support/clickhouse-http-front.ts). ClickHouse stays reachable (pings answer)
// while its inserts fail or hang: a stuck writer must be visible on /readyz and in
// /metrics, and must not keep SIGTERM from exiting by the drain deadline (issue 7,
// findings 1 and 10). Each site is one scenario.
const USER = 'tally'
const PASSWORD = 'front-password'
/** The drain deadline (TALLY_DRAIN_TIMEOUT_MS); requests time out much later (60 s). */
const DRAIN_MS = 1_500
const intoEvents = isInsertInto('tally.events')

let dir: string
let front: FrontProcess
let proxy: FaultProxy
let c: CollectorProcess
const logs = () => c.output

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-stuck-clickhouse-'))
  // /v1/sql (how the test reads what was stored) runs as a read-only user in server mode
  front = await startClickHouseHttpFront({ dataDir: join(dir, 'clickhouse'), user: USER, password: PASSWORD, readOnlyUser: 'reader', readOnlyPassword: 'reader-password' })
  proxy = await startFaultProxy(front.url)
  c = await startCollector({
    sites: [{ id: 'failing', origins: ['*'] }, { id: 'hanging', origins: ['*'] }],
    env: {
      CLICKHOUSE_URL: proxy.url,
      CLICKHOUSE_USER: USER,
      CLICKHOUSE_PASSWORD: PASSWORD,
      CLICKHOUSE_SQL_USER: 'reader',
      CLICKHOUSE_SQL_PASSWORD: 'reader-password',
      CLICKHOUSE_TIMEOUT_MS: '60000',
      TALLY_MAX_BACKOFF_MS: '200',
      TALLY_DRAIN_TIMEOUT_MS: String(DRAIN_MS),
    },
  })
})

afterAll(async () => {
  await c?.cleanup()
  await proxy?.close()
  await front?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('ClickHouse reachable, its inserts failing or hanging (server mode)', () => {
  it('inserts failing transiently (503, then MEMORY_LIMIT_EXCEEDED): not ready, failures counted; ready again once they pass, each acked event once', async () => {
    proxy.inject({ kind: 'error', status: 503 }, { match: intoEvents, times: 2 })
    proxy.inject(
      { kind: 'error', status: 500, code: 241, name: 'MEMORY_LIMIT_EXCEEDED', message: 'Memory limit (total) exceeded: would use 9.31 GiB (attempt to allocate chunk of 4194304 bytes), maximum: 9.31 GiB' },
      { match: intoEvents },
    )
    let ids: string[]
    try {
      ids = await sendPageviews(c, 'failing', 3)
      const stuck = await until('/readyz to report the writer failing', async () => {
        const r = await readyz(c.url)
        return r.status === 503 ? r : undefined
      }, 15_000, logs)
      expect(stuck.body.ready).toBe(false)
      expect(stuck.body.checks.clickhouse).toBe('ok') // pings answer: only the writer check can tell
      expect(stuck.body.checks.writer).toMatch(/^failing: \d+ rounds in a row: .*Memory limit \(total\) exceeded/)
      const failures = (await metric(c.url, 'tally_writer_consecutive_failures'))!
      expect(failures).toBeGreaterThanOrEqual(3)
      await until('consecutive failures to keep rising', async () => (await metric(c.url, 'tally_writer_consecutive_failures'))! > failures, 10_000, logs)
      expect((await storedCounts(c, 'failing')).n).toBe(0)
    } finally {
      proxy.clear()
    }
    await until('/readyz to be ready again', async () => (await readyz(c.url)).status === 200, 15_000, logs)
    await c.waitForDrain()
    expect(await metric(c.url, 'tally_writer_consecutive_failures')).toBe(0)
    expect(await storedCounts(c, 'failing')).toEqual({ n: ids.length, u: ids.length, pv: ids.length })
  })

  it('SIGTERM while an insert hangs: exits by the drain deadline, says what stays in the spool; the next start writes it once', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    // The insert is held: ClickHouse gets it only once the gate opens, after its client gave up.
    proxy.inject({ kind: 'hold', until: gate }, { match: intoEvents })
    try {
      const ids = await sendPageviews(c, 'hanging', 2)
      await proxy.waitForLog((e) => e.outcome === 'held' && e.req.body.includes(ids[0]!), 10_000)
      proxy.hangAll() // and from now on nothing answers, pings included

      const stopping = Date.now()
      const code = await c.stop(); if (code !== 0) console.log("COLLECTOR OUTPUT", c.output.slice(-4000))
      expect(code).toBe(0)
      const tookMs = Date.now() - stopping
      expect(tookMs).toBeLessThan(DRAIN_MS + 8_000) // the old writer waited for the request timeout (60 s here)
      expect(c.output).toMatch(/spool not fully drained at shutdown; it is replayed on the next start","bytes":[1-9]/)

      // ClickHouse comes back and commits the held insert late; the next start replays the
      // journalled block under the same deduplication token, which ClickHouse skips.
      proxy.clear()
      release()
      const late = await proxy.waitForLog((e) => e.outcome === 'held-then-forwarded' && e.upstreamStatus === 200 && e.req.body.includes(ids[0]!), 10_000)
      await c.start()
      await until('the spool to be written', async () => (await storedCounts(c, 'hanging')).n >= ids.length, 15_000, logs)
      await c.waitForDrain()
      expect(await storedCounts(c, 'hanging')).toEqual({ n: ids.length, u: ids.length, pv: ids.length })
      expect(c.output).toMatch(/replaying the planned insert/)
      const token = (url: string) => new URL(url, 'http://x').searchParams.get('insert_deduplication_token')
      const replays = proxy.log.filter((e) => intoEvents(e.req) && e.req.body.includes(ids[0]!) && e !== late)
      expect(replays.length).toBeGreaterThan(0)
      expect(new Set(replays.map((e) => token(e.req.url)))).toEqual(new Set([token(late.req.url)]))
    } finally {
      release()
      proxy.clear()
    }
  })
})
