import { afterEach, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'

// What was acknowledged survives kill -9; a full spool says 503 + Retry-After.
let c: CollectorProcess | undefined
afterEach(async () => {
  await c?.cleanup()
  c = undefined
})

const stored = async (col: CollectorProcess) =>
  (await col.sql<{ n: string; u: string }>('SELECT count() AS n, uniqExact(id) AS u FROM tally.events'))[0]!

describe('durability', () => {
  it('kill -9 after 202: every acknowledged event is present exactly once after a restart', async () => {
    // A long flush interval keeps acknowledged events in the spool only, not yet in ClickHouse.
    c = await startCollector({ env: { TALLY_FLUSH_INTERVAL_MS: '600000' } })
    const token = await c.token()
    const acked: string[] = []
    await Promise.all(
      Array.from({ length: 40 }, async (_, b) => {
        const events = Array.from({ length: 25 }, (_, i) => pageview({ anon_id: `v${b}-${i}` }))
        const res = await sendBatch(c!.url, events, { token })
        if (res.status === 202) acked.push(...events.map((e) => e.id!))
      }),
    )
    expect(acked).toHaveLength(1000)
    expect(Number((await stored(c)).n)).toBe(0) // still only in the spool
    await c.kill9()
    await c.start() // same data folder and port; segments left behind are sealed and replayed at once
    const rows = await c.waitFor<{ n: string; u: string }>('SELECT count() AS n, uniqExact(id) AS u FROM tally.events', (r) => Number(r[0]?.n) >= 1000, 15_000)
    expect(rows[0]).toEqual({ n: 1000, u: 1000 })
    const ids = await c.sql<{ id: string }>('SELECT toString(id) AS id FROM tally.events')
    expect(new Set(ids.map((r) => r.id))).toEqual(new Set(acked))
  })

  it('kill -9 while the writer is busy: acknowledged events land once, none twice', async () => {
    c = await startCollector({ env: { TALLY_FLUSH_INTERVAL_MS: '50' } })
    const token = await c.token()
    const acked = new Set<string>()
    const sender = (async () => {
      for (let b = 0; b < 400; b++) {
        const events = Array.from({ length: 50 }, (_, i) => pageview({ anon_id: `w${b}-${i}` }))
        const res = await sendBatch(c!.url, events, { token }).catch(() => undefined)
        if (!res) return // the process is gone
        if (res.status === 202) for (const e of events) acked.add(e.id!)
      }
    })()
    await new Promise((r) => setTimeout(r, 1_500))
    await c.kill9()
    await sender
    expect(acked.size).toBeGreaterThan(0)
    await c.start()
    // Read once the spool is empty: the analysts' session can otherwise see an insert
    // half done (events written, its materialized views not yet).
    await c.waitForDrain()
    const rows = await c.sql<{ n: string; u: string }>('SELECT count() AS n, uniqExact(id) AS u FROM tally.events')
    expect(Number(rows[0]!.n)).toBeGreaterThanOrEqual(acked.size)
    expect(Number(rows[0]!.n)).toBe(Number(rows[0]!.u)) // nothing twice
    const ids = new Set((await c.sql<{ id: string }>('SELECT toString(id) AS id FROM tally.events')).map((r) => r.id))
    const missing = [...acked].filter((id) => !ids.has(id))
    expect(missing).toEqual([])
    const [pv] = await c.sql<{ pv: string }>('SELECT sum(pageviews) AS pv FROM tally.traffic_daily')
    expect(Number(pv!.pv)).toBe(ids.size)
  })

  it('SIGTERM drains the spool into ClickHouse before exiting', async () => {
    c = await startCollector({ env: { TALLY_FLUSH_INTERVAL_MS: '600000' } })
    const token = await c.token()
    const res = await sendBatch(c.url, Array.from({ length: 30 }, () => pageview()), { token })
    expect(res.status).toBe(202)
    expect(await c.stop()).toBe(0)
    await c.start()
    expect(await stored(c)).toEqual({ n: 30, u: 30 })
  })

  it('answers 503 with Retry-After when the spool is full, and accepts again once it drains', async () => {
    c = await startCollector({ env: { TALLY_FLUSH_INTERVAL_MS: '600000', TALLY_SPOOL_MAX_BYTES: '60000', TALLY_SEGMENT_BYTES: '8000' } })
    const token = await c.token()
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let b = 0; b < 40; b++) {
      const res = await sendBatch(c.url, Array.from({ length: 10 }, () => pageview()), { token })
      statuses.push(res.status)
      if (res.status === 503) {
        retryAfter = res.headers.get('retry-after')
        expect((await res.json()).error.code).toBe('ERR_SPOOL_FULL')
        break
      }
    }
    expect(statuses.at(-1)).toBe(503)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
    const accepted = statuses.filter((s) => s === 202).length * 10
    // SIGTERM drains the spool into ClickHouse; what was accepted is all there.
    await c.stop()
    await c.start()
    expect(Number((await stored(c)).n)).toBe(accepted)
  })
})
