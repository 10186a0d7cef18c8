// Ingest benchmark: events/s and latency of POST /v1/batch (50-event batches) on the
// embedded engine, against a bare Hono route measured in the same run, then how long
// the rollups take to show everything. Prints figures; asserts nothing.
//   npm run bench            (BENCH_SECONDS=10 BENCH_CONNECTIONS=32 to change)
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { startCollector } from '../support/collector-process.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32)
const EVENTS_PER_BATCH = 50

// Bodies are cut once into the text around each event id; a request only fills in fresh
// ids (unique, so the writer does real work) and times. This keeps the load generator,
// which shares the 2 cores, cheap.
const RUN = crypto.randomUUID().slice(0, 23) // xxxxxxxx-xxxx-4xxx-yxxx
let counter = 0
const TEMPLATE = (() => {
  const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => ({
    id: '@ID@',
    type: i % 5 === 0 ? 'track' : 'pageview',
    name: i % 5 === 0 ? 'signup_click' : 'pageview',
    ts: 1,
    anon_id: `visitor-${i % 17}`,
    url: `https://shop.example/products/${i % 20}?utm_source=newsletter`,
    referrer: 'https://www.google.com/',
    title: 'A product page',
    screen: '1440x900',
    locale: 'en-GB',
    timezone: 'Europe/London',
    props: { plan: 'pro', seats: 3 },
  }))
  return JSON.stringify({ sent_at: 1, events }).replaceAll('"ts":1', '"ts":@TS@').replace('"sent_at":1', '"sent_at":@TS@').split('@ID@')
})()

function batchBody(): string {
  const now = String(Date.now())
  let body = TEMPLATE[0]!
  for (let i = 1; i < TEMPLATE.length; i++) body += `${RUN}-${(counter++).toString(16).padStart(12, '0')}` + TEMPLATE[i]
  return body.replaceAll('@TS@', now)
}

async function load(url: string, headers: Record<string, string>) {
  const result = await autocannon({
    url: `${url}/v1/batch`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [{ method: 'POST', headers: { 'content-type': 'text/plain', 'user-agent': UA, ...headers }, setupRequest: (req) => ({ ...req, body: batchBody() }) }],
  })
  const ok = result['2xx']
  return {
    rps: ok / SECONDS,
    eventsPerSecond: (ok * EVENTS_PER_BATCH) / SECONDS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    ok,
  }
}

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'

async function baseline() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'baseline-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve) => child.stdout!.on('data', (d: Buffer) => resolve(Number(/listening (\d+)/.exec(d.toString())![1]))))
  try {
    return await load(`http://127.0.0.1:${port}`, {})
  } finally {
    process.kill(child.pid!, 'SIGTERM')
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

const base = await baseline()
const collector = await startCollector({ env: { TALLY_LOG: 'off' } })
try {
  const token = await collector.token({ ttlSeconds: 3600 })
  const tally = await load(collector.url, { authorization: `Bearer ${token}`, origin: 'https://shop.example' })
  const loadEnded = Date.now()
  const expected = tally.ok * EVENTS_PER_BATCH
  await collector.waitFor<{ n: string }>('SELECT sum(events) AS n FROM tally.traffic_daily', (r) => Number(r[0]?.n) >= expected, 120_000)
  const lagMs = Date.now() - loadEnded
  console.log(`
ingest benchmark: ${SECONDS} s, ${CONNECTIONS} connections, ${EVENTS_PER_BATCH}-event batches, 2 cores shared by client and server
                      req/s     events/s   p50 ms   p99 ms   errors
  bare Hono route  ${fmt(base.rps).padStart(8)} ${fmt(base.eventsPerSecond).padStart(12)} ${String(base.p50).padStart(8)} ${String(base.p99).padStart(8)} ${String(base.errors).padStart(8)}
  Tally collector  ${fmt(tally.rps).padStart(8)} ${fmt(tally.eventsPerSecond).padStart(12)} ${String(tally.p50).padStart(8)} ${String(tally.p99).padStart(8)} ${String(tally.errors).padStart(8)}
  ratio collector / baseline: ${(tally.rps / base.rps).toFixed(2)}
  rollup lag after the load ended: ${fmt(lagMs)} ms for ${fmt(expected)} events (all present in traffic_daily)
`)
} finally {
  await collector.cleanup()
}
