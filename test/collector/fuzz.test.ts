import { afterAll, beforeAll, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { fuzzIngest } from '../support/fuzz-ingest.js'
import { pageview, sendBatch } from '../support/send.js'

// Property-based fuzz of POST /v1/batch against a real collector on the embedded engine
// (generators: test/support/hostile-batches.ts), after the cases it found, replayed by
// hand. Bounded here; the long run is `npm run fuzz -- --runs 2000`. A failure prints its
// seed: TALLY_FUZZ_SEED=<seed> replays it.
let c: CollectorProcess

beforeAll(async () => {
  c = await startCollector()
})
afterAll(async () => c?.cleanup())

const writerErrors = async () => Number(/^tally_writer_errors_total (\d+)$/m.exec(await (await fetch(`${c.url}/metrics`)).text())?.[1])

/** Sends a good event after the others and waits for it: the writer got past what came before. */
async function controlEventArrives(): Promise<void> {
  const url = `https://shop.example/control-${crypto.randomUUID()}`
  expect((await sendBatch(c.url, [pageview({ url })], { token: await c.token() })).status).toBe(202)
  await c.waitFor<{ n: string }>('SELECT count() AS n FROM tally.events WHERE url = {u:String}', (rows) => Number(rows[0]?.n) === 1, 10_000, { u: url })
}

it('refuses a lone surrogate with 400 at the door, so the writer never meets a row ClickHouse refuses', async () => {
  const res = await sendBatch(c.url, [pageview({ title: 'half an emoji \ud83d' })], { token: await c.token() })
  expect(res.status).toBe(400)
  expect((await res.json()).rejected).toEqual([{ index: 0, reason: 'invalid:title', message: 'title: is not well-formed UTF-16 (a lone surrogate)' }])
  await controlEventArrives()
  expect(await writerErrors()).toBe(0)
})

it('quarantines a too large event whose 32 K cut falls inside an emoji, and the writer stores it', async () => {
  const id = crypto.randomUUID()
  // Pad so that the cut at 32,768 code units of its JSON falls between the two halves of an emoji.
  const event = (pad: string) => pageview({ id, props: { pad, big: '😀'.repeat(20_000) } })
  const pad = ['', 'p'].find((p) => JSON.stringify(event(p)).charCodeAt(32 * 1024 - 1) >= 0xd800)!
  const res = await sendBatch(c.url, [event(pad), pageview()], { token: await c.token() })
  expect(res.status).toBe(202)
  expect((await res.json()).rejected.map((r: { reason: string }) => r.reason)).toEqual(['too_large'])
  await c.waitFor<{ n: string }>('SELECT count() AS n FROM tally.rejected_events WHERE reason = {r:String} AND position(payload, {id:String}) > 0', (rows) => Number(rows[0]?.n) === 1, 10_000, { r: 'too_large', id })
  await controlEventArrives()
  expect(await writerErrors()).toBe(0)
})

it('answers 400, not 500, for an event nested deeper than JSON.stringify can go', async () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
  for (const events of [deep, `${deep},${JSON.stringify(pageview())}`]) {
    const res = await fetch(`${c.url}/v1/batch`, { method: 'POST', headers: { Authorization: `Bearer ${await c.token()}` }, body: `{"sent_at":${Date.now()},"events":[${events}]}` })
    expect(res.status).toBeLessThan(500)
    expect((await res.json()).rejected[0]).toMatchObject({ index: 0, reason: 'invalid:event' })
  }
  await controlEventArrives()
})

it('answers hostile batches 2xx/4xx, stores what it accepts as sent, and a control event still gets through', async () => {
  const seed = process.env.TALLY_FUZZ_SEED ? Number(process.env.TALLY_FUZZ_SEED) : undefined
  const report = await fuzzIngest(c, { numRuns: Number(process.env.TALLY_FUZZ_RUNS ?? 150), seed })
  expect(report.statuses['500']).toBeUndefined()
  expect(report.accepted).toBeGreaterThan(0) // the generators must reach storage, or the round trip checks nothing
  expect(report.readBack).toBeGreaterThan(0)
}, 60_000)
