import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createTallyNode, type TallyOrder } from '@tally/sdk-node'
import { createPowerBankSimulator } from '../../examples/power-bank/simulator.js'
import { HARNESS_KID, HARNESS_SECRET, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startTallyDev, type StartedTally } from '../support/start-process.js'
import { asMap, expectedRollup, rollupQuery, ROLLUP_KEYS, type TestOrder } from '../support/orders.js'

// examples/power-bank: its orders reach the rollups exactly (a short seeded run through
// sdk-node to a real collector, compared with a brute-force recomputation of what it
// sent), and `npm start` in dev mode runs it with the dev key, no hand-editing.
let c: CollectorProcess | undefined
let dev: StartedTally | undefined
const devDir = mkdtempSync(join(tmpdir(), 'tally-power-bank-'))

afterAll(async () => {
  await c?.cleanup()
  await dev?.stop()
  rmSync(devDir, { recursive: true, force: true })
})

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function asTestOrder(o: TallyOrder): TestOrder {
  const text = (v: string | number | undefined) => (v === undefined ? undefined : String(v))
  return { id: o.id, version: o.version, status: o.status, province: o.province, cabinet: o.cabinet, started_at: Number(o.startedAt), ended_at: o.endedAt === undefined ? undefined : Number(o.endedAt), price_per_hour: text(o.pricePerHour), amount: text(o.amount), refunded: text(o.refunded), currency: o.currency }
}

const same = (a: Map<string, string>, b: Map<string, string>) => a.size === b.size && [...a].every(([k, v]) => b.get(k) === v)

describe('examples/power-bank', () => {
  it('every kind of change it makes reaches the rollups exactly', async () => {
    c = await startCollector()
    const refused: string[] = []
    const tally = createTallyNode({
      endpoint: c.url,
      signingKey: { kid: HARNESS_KID, alg: 'HS256', secret: HARNESS_SECRET },
      site: 'test',
      onDrop: (events, reason, detail) => refused.push(`${events.length} ${reason} ${detail ?? ''}`),
    })
    const simulator = createPowerBankSimulator({ tally, random: seeded(8) })
    for (let i = 0; i < 600; i++) simulator.step()
    expect(await tally.close({ timeout: 20_000 })).toEqual({ delivered: true, unsent: 0 })
    expect(refused).toEqual([]) // no order event was refused by the collector's rules
    expect(Object.values(simulator.counts()).every((n) => n > 0), JSON.stringify(simulator.counts())).toBe(true)

    const finals = simulator.sent().map((o) => ({ site: 'test', order: asTestOrder(o) }))
    for (const rollup of Object.keys(ROLLUP_KEYS)) {
      const expected = expectedRollup(rollup, finals)
      const rows = await c.waitFor<{ k: string; o: string; r: string; f: string }>(rollupQuery(rollup), (r) => same(asMap(r), expected), 20_000).catch(() => undefined)
      if (!rows) expect([...asMap(await c.sql(rollupQuery(rollup)))].sort(), rollup).toEqual([...expected].sort())
    }
    const [pv] = await c.sql<{ n: string }>("SELECT sum(pageviews) AS n FROM tally.traffic_daily WHERE site_id = 'test'")
    expect(Number(pv!.n)).toBe(simulator.counts().pageview)
  }, 90_000)

  it('`npm start` in dev mode runs it with the dev key: orders reach the dashboard site\'s rollups', async () => {
    dev = await startTallyDev(devDir)
    expect(dev.printed).toContain('ingest server orders')
    const { adminToken } = JSON.parse(readFileSync(join(devDir, 'dev.json'), 'utf8')) as { adminToken: string }
    const sql = async (query: string) => {
      const res = await fetch(`${dev!.collectorUrl}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ query }) })
      return ((await res.json()) as { rows: Record<string, string>[] }).rows
    }
    const end = Date.now() + 30_000
    let seen: Record<string, string> | undefined
    while (Date.now() < end) {
      ;[seen] = await sql("SELECT toString(sum(orders)) AS orders, toString((SELECT sum(pageviews) FROM tally.traffic_daily WHERE site_id = 'demo')) AS pv FROM tally.revenue_daily WHERE site_id = 'demo'")
      if (Number(seen?.orders) > 0 && Number(seen?.pv) > 0) break
      await new Promise((r) => setTimeout(r, 200))
    }
    expect(Number(seen?.orders)).toBeGreaterThan(0)
    expect(Number(seen?.pv)).toBeGreaterThan(0)
    expect(await dev.stop()).toBe(0)
  }, 120_000)
})
