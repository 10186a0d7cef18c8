import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'

// The drain deadline is a setting. With ClickHouse unreachable (server mode), SIGTERM
// exits within the deadline plus a margin, says how much stays in the spool, and the next
// start (here on the embedded engine, same data folder) writes it.
const DEADLINE_MS = 1_500
/** Closing the listener and the storage, and a process exit, on a busy machine. */
const MARGIN_MS = 6_000
const dataDir = mkdtempSync(join(tmpdir(), 'tally-drain-'))
const running: CollectorProcess[] = []

afterAll(async () => {
  for (const c of running) await c.cleanup()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A loopback port nothing listens on: connections are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  await new Promise((done) => server.close(done))
  return port
}

it('SIGTERM with ClickHouse unreachable exits by the deadline, says what stays, and the next start writes it', async () => {
  const first = await startCollector({
    dataDir,
    env: { CLICKHOUSE_URL: `http://127.0.0.1:${await closedPort()}`, TALLY_DRAIN_TIMEOUT_MS: String(DEADLINE_MS), TALLY_MAX_BACKOFF_MS: '200' },
  })
  running.push(first)
  const events = Array.from({ length: 20 }, (_, i) => pageview({ anon_id: `drain-${i}` }))
  expect((await sendBatch(first.url, events, { token: await first.token() })).status).toBe(202)

  const signalled = Date.now()
  const code = await first.stop()
  const took = Date.now() - signalled
  expect(took).toBeLessThan(DEADLINE_MS + MARGIN_MS)
  expect(code).toBe(0)
  const left = /spool not fully drained[^\n]*"bytes":(\d+)/.exec(first.output)
  expect(left, first.output.slice(-2000)).not.toBeNull()
  expect(Number(left![1])).toBeGreaterThan(0)

  const next = await startCollector({ dataDir })
  running.push(next)
  const ids = events.map((e) => e.id!)
  const rows = await next.waitFor<{ n: string }>('SELECT count() AS n FROM tally.events WHERE toString(id) IN {ids:Array(String)}', (r) => Number(r[0]?.n) >= 20, 20_000, { ids })
  expect(Number(rows[0]!.n)).toBe(20)
})
