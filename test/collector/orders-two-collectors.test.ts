import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startClickHouseHttpFront, type FrontProcess } from '../support/clickhouse-http-front.js'
import { sendBatch } from '../support/send.js'
import { asMap, expectedRollup, finalStates, orderEvent, rollupQuery, ROLLUP_KEYS, type TestOrder } from '../support/orders.js'

// Two collectors (server mode, one ClickHouse behind the HTTP test front) receive versions
// of the same orders, in any split and order. Exactly one applies (the lease); the numbers
// do not depend on which collector received which version; when the applier is killed,
// the other takes over.
const USER = 'tally'
const PASSWORD = 'front-password'
let dir: string
let front: FrontProcess
let a: CollectorProcess
let b: CollectorProcess
const sent: { site: string; order: TestOrder }[] = []
const T0 = Date.UTC(2026, 10, 25, 3)

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-orders-two-'))
  // /v1/sql (how the test reads the rollups) runs as a read-only user in server mode
  front = await startClickHouseHttpFront({ dataDir: join(dir, 'clickhouse'), user: USER, password: PASSWORD, readOnlyUser: 'reader', readOnlyPassword: 'reader-password' })
  const env = { CLICKHOUSE_URL: front.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD, CLICKHOUSE_SQL_USER: 'reader', CLICKHOUSE_SQL_PASSWORD: 'reader-password', CLICKHOUSE_TIMEOUT_MS: '2000', TALLY_ORDERS_LEASE_TTL_MS: '3000' }
  a = await startCollector({ env })
  b = await startCollector({ env })
})
afterAll(async () => {
  await a?.cleanup()
  await b?.cleanup()
  await front?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function metric(c: CollectorProcess, name: string): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
}

function history(id: string, n: number): TestOrder[] {
  const provinces = ['Zhejiang', 'Hubei', 'Guangdong']
  return Array.from({ length: n }, (_, v) => ({
    id,
    version: v + 1,
    status: v === n - 1 && id.endsWith('3') ? 'deleted' : v === 0 ? 'open' : 'completed',
    province: provinces[(v + id.length) % 3]!,
    cabinet: `cab-${v % 2}`,
    started_at: T0 + v * 3_600_000,
    ...(v > 0 && { ended_at: T0 + v * 3_600_000 + 5_400_000, price_per_hour: `${v}.5` }),
    currency: 'CNY',
  }))
}

/** Sends each version to one collector or the other (and some to both), shuffled. */
async function deliver(to: CollectorProcess[], orders: TestOrder[]): Promise<void> {
  const shuffled = orders.map((o, i) => ({ o, k: (i * 7919) % 13 })).sort((x, y) => x.k - y.k).map((x) => x.o)
  for (const [i, order] of shuffled.entries()) {
    const targets = i % 5 === 0 ? to : [to[i % to.length]!]
    for (const c of targets) {
      const res = await sendBatch(c.url, [orderEvent(order)], { token: await c.token({ scope: 'ingest server orders' }) })
      expect(res.status).toBe(202)
    }
    sent.push({ site: 'test', order })
  }
}

async function expectRollups(reader: CollectorProcess): Promise<void> {
  const finals = finalStates(sent)
  for (const rollup of Object.keys(ROLLUP_KEYS)) {
    const expected = expectedRollup(rollup, finals)
    const rows = await reader.waitFor<{ k: string; o: string; r: string; f: string }>(rollupQuery(rollup), (r) => same(asMap(r), expected), 20_000).catch(() => undefined)
    if (!rows) expect([...asMap(await reader.sql(rollupQuery(rollup)))].sort(), `${rollup}\n${a.output.slice(-1500)}\n${b.output.slice(-1500)}`).toEqual([...expected].sort())
  }
}
const same = (x: Map<string, string>, y: Map<string, string>) => x.size === y.size && [...x].every(([k, v]) => y.get(k) === v)

describe('two collectors against one ClickHouse', () => {
  it('exactly one applies; the rollups do not depend on which collector received a version', async () => {
    await deliver([a, b], ['o-1', 'o-2', 'o-3', 'o-4'].flatMap((id) => history(id, 5)))
    await expectRollups(a)
    const active = [await metric(a, 'tally_order_applier_active'), await metric(b, 'tally_order_applier_active')]
    expect(active.sort()).toEqual([0, 1])
  })

  it('when the applier is killed, the other takes over and catches up', async () => {
    const holder = (await metric(a, 'tally_order_applier_active')) === 1 ? a : b
    const survivor = holder === a ? b : a
    await holder.kill9()
    await deliver([survivor], ['o-5', 'o-6'].flatMap((id) => history(id, 4)).concat(history('o-1', 7).slice(5)))
    await expectRollups(survivor)
    expect(await metric(survivor, 'tally_order_applier_active')).toBe(1)
  })
})
