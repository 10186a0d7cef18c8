import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startClickHouseHttpFront, type FrontProcess } from '../support/clickhouse-http-front.js'
import { sendBatch } from '../support/send.js'
import { asMap, expectedRollup, orderEvent, rollupQuery, ROLLUP_KEYS, type TestOrder } from '../support/orders.js'

// `tally-collector orders reconcile [--repair]` against running collectors (server mode:
// the test writes into the same ClickHouse through the HTTP test front, as an operator's
// mistake or a bug would). A stray ledger row is reported by the periodic check (the
// metric) and by the command; --repair fixes it; a second run reports 0. A collector
// that stands by refuses a repair (409 ERR_NOT_APPLIER).
const ROOT = resolve(import.meta.dirname, '..', '..')
const BIN = join(ROOT, 'collector', 'bin', 'tally-collector.mjs')
const run = promisify(execFile)
const USER = 'tally'
const PASSWORD = 'front-password'
const T0 = Date.UTC(2026, 10, 25, 3, 30)
let dir: string
let front: FrontProcess
let applier: CollectorProcess
let standby: CollectorProcess
let ch: ClickHouseClient

const orders: TestOrder[] = [
  { id: 'r-1', version: 3, status: 'completed', province: 'Zhejiang', cabinet: 'cab-1', started_at: T0, ended_at: T0 + 5_400_000, price_per_hour: '3.33', currency: 'CNY' },
  { id: 'r-2', version: 2, status: 'refunded', province: 'Hubei', cabinet: 'cab-2', started_at: T0, amount: '10', refunded: '4', currency: 'CNY' },
  { id: 'r-3', version: 1, status: 'open', province: 'Hubei', cabinet: 'cab-2', started_at: T0 + 3_600_000, currency: 'CNY' },
]

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', TALLY_ADMIN_TOKEN: ADMIN_TOKEN }, timeout: 30_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

async function metric(c: CollectorProcess, name: string): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
}

async function until(probe: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out\n${applier.output.slice(-1500)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

async function rollups(): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>()
  for (const rollup of Object.keys(ROLLUP_KEYS)) out.set(rollup, asMap(await (await ch.query({ query: rollupQuery(rollup), format: 'JSONEachRow' })).json()))
  return out
}
const expected = () => new Map(Object.keys(ROLLUP_KEYS).map((r) => [r, expectedRollup(r, orders.map((order) => ({ site: 'test', order })))]))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-reconcile-'))
  front = await startClickHouseHttpFront({ dataDir: join(dir, 'clickhouse'), user: USER, password: PASSWORD })
  ch = createClient({ url: front.url, username: USER, password: PASSWORD })
  const env = { CLICKHOUSE_URL: front.url, CLICKHOUSE_USER: USER, CLICKHOUSE_PASSWORD: PASSWORD, TALLY_ORDERS_LEASE_TTL_MS: '10000', TALLY_ORDERS_RECONCILE_INTERVAL_MS: '300' }
  applier = await startCollector({ env })
  await until(async () => (await metric(applier, 'tally_order_applier_active')) === 1)
  standby = await startCollector({ env })
  const res = await sendBatch(applier.url, orders.map((o) => orderEvent(o)), { token: await applier.token({ scope: 'ingest server orders' }) })
  expect((await res.json()).accepted).toBe(orders.length)
  await until(async () => JSON.stringify([...(await rollups())]) === JSON.stringify([...expected()]))
}, 90_000)

afterAll(async () => {
  await ch?.close()
  await applier?.cleanup()
  await standby?.cleanup()
  await front?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('tally-collector orders reconcile', () => {
  it('reports 0 while the rollups follow the orders, and the periodic check says so on /metrics', async () => {
    await until(async () => (await metric(applier, 'tally_order_reconcile_differences')) === 0)
    const { code, stdout } = await cli(['orders', 'reconcile', '--url', applier.url])
    expect(stdout).toMatch(/^0 rollup group\(s\) differ/)
    expect(code).toBe(0)
    expect(await metric(standby, 'tally_order_reconcile_differences')).toBe(-1) // the periodic check runs where orders are applied
  })

  it('reports a stray ledger row, --repair fixes it exactly, a second run reports 0', async () => {
    // 3.50 CNY and one order that no order's state accounts for
    const runs = await metric(applier, 'tally_order_reconcile_runs')
    await ch.insert({
      table: 'tally.order_ledger',
      values: [{ site_id: 'test', order_id: 'stray', version: 1, sign: 0, status: 'completed', province: 'Hubei', cabinet: 'cab-2', started_at: T0, currency: 'CNY', amount: '3.5', orders: 1, revenue: '3.5', refunded: '0', event_id: crypto.randomUUID(), received_at: T0, source_inserted_at: T0 * 1000 }],
      format: 'JSONEachRow',
    })
    expect([...(await rollups())]).not.toEqual([...expected()])
    await until(async () => (await metric(applier, 'tally_order_reconcile_runs')) > runs + 1 && (await metric(applier, 'tally_order_reconcile_differences')) === 5)

    const check = await cli(['orders', 'reconcile', '--url', applier.url, '--format', 'json'])
    expect(check.code).toBe(1)
    const report = JSON.parse(check.stdout)
    expect(report.differences).toBe(5) // the group in each of the five rollups
    expect(report.groups).toContainEqual({
      rollup: 'revenue_by_cabinet_daily',
      key: { site_id: 'test', day: '2026-11-25', province: 'Hubei', cabinet: 'cab-2', currency: 'CNY' },
      expected: { revenue: '6', orders: '2', refunded: '4' },
      actual: { revenue: '9.5', orders: '3', refunded: '4' },
    })

    const refused = await cli(['orders', 'reconcile', '--repair', '--url', standby.url])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^ERR_NOT_APPLIER: /)

    const repair = await cli(['orders', 'reconcile', '--repair', '--url', applier.url])
    expect(repair.stdout, repair.stderr).toContain('repair: 1 ledger row(s), 0 rollup row(s) written; 0 group(s) still differ')
    expect(repair.code).toBe(0)
    expect([...(await rollups())]).toEqual([...expected()])
    expect(await metric(applier, 'tally_order_reconcile_differences')).toBe(0)

    const again = await cli(['orders', 'reconcile', '--repair', '--url', applier.url])
    expect(again.stdout, again.stderr).toMatch(/^0 rollup group\(s\) differ/)
    expect(again.stdout).toContain('repair: 0 ledger row(s), 0 rollup row(s) written')
    expect([...(await rollups())]).toEqual([...expected()])
  })

  it('the route wants the admin token and a repair flag it understands', async () => {
    const post = (query: string, token = ADMIN_TOKEN) => fetch(`${applier.url}/v1/admin/orders/reconcile${query}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
    expect((await post('', 'not-the-admin-token-at-all')).status).toBe(401)
    const bad = await post('?repair=yes')
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.code).toBe('ERR_PARAM_INVALID')
    expect((await cli(['orders', 'reconcile', '--frobnicate'])).code).toBe(2)
  })
})
