import { afterAll, beforeAll, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { fuzzIngest } from '../support/fuzz-ingest.js'

// Property-based fuzz of POST /v1/batch against a real collector on the embedded engine
// (generators: test/support/hostile-batches.ts). Bounded here; the long run is
// `npm run fuzz -- --runs 2000`. A failure prints its seed: TALLY_FUZZ_SEED=<seed> replays it.
let c: CollectorProcess

beforeAll(async () => {
  c = await startCollector()
})
afterAll(async () => c?.cleanup())

it('answers hostile batches 2xx/4xx, stores what it accepts as sent, and a control event still gets through', async () => {
  const seed = process.env.TALLY_FUZZ_SEED ? Number(process.env.TALLY_FUZZ_SEED) : undefined
  const report = await fuzzIngest(c, { numRuns: Number(process.env.TALLY_FUZZ_RUNS ?? 150), seed })
  expect(report.statuses['500']).toBeUndefined()
  expect(report.accepted).toBeGreaterThan(0) // the generators must reach storage, or the round trip checks nothing
  expect(report.readBack).toBeGreaterThan(0)
}, 60_000)
