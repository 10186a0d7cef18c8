/**
 * Rollup lag of orders: from the 202 of a batch to the order being visible in
 * tally.revenue_by_province_daily, under a steady order stream, on the embedded engine.
 *   node --import tsx test/bench/orders-lag.ts [seconds=20] [orders per second=200]
 * Each probe order has a province of its own; a poller reads which probes are visible
 * every 50 ms (so figures are up to ~50 ms pessimistic). Default writer flush: 500 ms.
 */
import { startCollector } from '../support/collector-process.js'
import { sendBatch } from '../support/send.js'
import { orderEvent } from '../support/orders.js'

const seconds = Number(process.argv[2] ?? 20)
const rate = Number(process.argv[3] ?? 200)
const c = await startCollector({ env: { TALLY_FLUSH_INTERVAL_MS: '500' } })
const token = await c.token({ scope: 'ingest server orders', ttlSeconds: 3600 })
const acked = new Map<string, number>()
const seen = new Map<string, number>()
const startedAt = Date.now() - 3_600_000
let n = 0
let stop = false

const poller = (async () => {
  while (!stop || seen.size < acked.size) {
    const rows = await c.sql<{ province: string }>("SELECT DISTINCT province FROM tally.revenue_by_province_daily WHERE province LIKE 'lag-%'")
    const now = Date.now()
    for (const { province } of rows) if (!seen.has(province)) seen.set(province, now)
    await new Promise((r) => setTimeout(r, 50))
  }
})()

const end = Date.now() + seconds * 1000
while (Date.now() < end) {
  const tick = Date.now()
  const probe = `lag-${n}`
  const events = Array.from({ length: Math.max(1, Math.round(rate / 10)) }, (_, i) =>
    orderEvent({ id: `o-${n}-${i}`, version: 1, status: 'completed', amount: '3.50', currency: 'CNY', province: i === 0 ? probe : `p-${i % 31}`, cabinet: `cab-${i % 97}`, started_at: startedAt }),
  )
  const res = await sendBatch(c.url, events, { token })
  if (res.status !== 202) throw new Error(`batch answered ${res.status}: ${await res.text()}`)
  acked.set(probe, Date.now())
  n++
  await new Promise((r) => setTimeout(r, Math.max(0, 100 - (Date.now() - tick))))
}
stop = true
await Promise.race([poller, new Promise((r) => setTimeout(r, 30_000))])
const lags = [...acked].map(([p, t]) => (seen.get(p) ?? Infinity) - t).sort((a, b) => a - b)
const q = (p: number) => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]!
console.log(`orders: ${n * Math.max(1, Math.round(rate / 10))} in ${seconds} s (${rate}/s), probes ${lags.length}`)
console.log(`acked → visible in revenue_by_province_daily: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${lags.at(-1)} ms`)
await c.cleanup()
