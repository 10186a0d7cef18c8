// In-process cost of POST /v1/batch (no network, no client): the route with token check,
// validation, enrichment and spool append (fsync), driven through app.request().
// Prints µs per request and per event; asserts nothing.   node --import tsx test/bench/handler.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp } from '../../collector/src/http/app.js'
import { OriginPolicy } from '../../collector/src/http/cors.js'
import { createTokenVerifier } from '../../collector/src/auth/verify-token.js'
import { loadVerificationKeys } from '../../collector/src/auth/keys.js'
import { createEnricher } from '../../collector/src/enrich/index.js'
import { Spool } from '../../collector/src/spool/spool.js'
import { Metrics } from '../../collector/src/metrics/metrics.js'
import type { Storage } from '../../collector/src/storage/client.js'
import type { Writer } from '../../collector/src/writer/writer.js'
import { HARNESS_SECRET, signHarnessToken } from '../support/collector-process.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const dir = mkdtempSync(join(tmpdir(), 'tally-handler-bench-'))
const sites = [{ id: 'test', origins: ['*'], cookieless: false }]
const keys = await loadVerificationKeys([{ kid: 'harness', alg: 'HS256', secret: HARNESS_SECRET }], dir)
const spool = new Spool({ dir: join(dir, 'spool'), maxBytes: 8e9, segmentBytes: 1e9 })
const app = createApp({
  sites: new Map(sites.map((s) => [s.id, s])),
  origins: new OriginPolicy(sites),
  verifier: createTokenVerifier({ keys, issuer: 'tally-dev', audience: 'tally', maxLifetimeSeconds: 3600, clockSkewSeconds: 30, knownSites: ['test'] }),
  enricher: createEnricher({ geo: true, saltDir: join(dir, 'salts') }),
  spool,
  metrics: new Metrics(),
  trustProxy: false,
  isDraining: () => false,
  storage: undefined as unknown as Storage, // ops routes are not exercised here
  schema: { ready: true, lastError: undefined },
  writer: undefined as unknown as Writer,
  spoolMaxBytes: 8e9,
})
const token = await signHarnessToken({ ttlSeconds: 3000 })
const bodies = Array.from({ length: 500 }, () => {
  const now = Date.now()
  const events = Array.from({ length: 50 }, (_, i) => ({
    id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: now, anon_id: `v${i % 7}`, session_id: 's1',
    url: `https://shop.example/p/${i % 20}?utm_source=news`, referrer: 'https://www.google.com/', title: 'A page', screen: '1440x900', locale: 'en-GB', timezone: 'Europe/London', props: { plan: 'pro', seats: 3 },
  }))
  return JSON.stringify({ sent_at: now, events })
})
const headers = { authorization: `Bearer ${token}`, origin: 'https://a.example', 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' }

for (const concurrency of [1, 32]) {
  let n = 0
  const started = performance.now()
  const until = Date.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const res = await app.request('/v1/batch', { method: 'POST', headers, body: bodies[n % bodies.length] })
        if (res.status !== 202) throw new Error(`${res.status} ${await res.text()}`)
        n++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  console.log(`concurrency ${String(concurrency).padStart(2)}: ${Math.round(n / seconds)} req/s, ${Math.round((n * 50) / seconds)} events/s, ${((seconds * 1e6) / n / 50).toFixed(1)} µs per event`)
}
rmSync(dir, { recursive: true, force: true })
