// Cost of per-event validation alone (zod schema + string rules), on the handler
// benchmark's events. Prints CPU µs per event (steadier than wall time on a busy machine); asserts nothing.   node --import tsx test/bench/validate.ts
import { validateEvents } from '../../collector/src/ingest/validate-events.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1)
const ROUNDS = 6
const now = Date.now()
const batches = Array.from({ length: 100 }, () =>
  JSON.parse(
    JSON.stringify(
      Array.from({ length: 50 }, (_, i) => ({
        id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: now, anon_id: `v${i % 7}`, session_id: 's1',
        url: `https://shop.example/p/${i % 20}?utm_source=news`, referrer: 'https://www.google.com/', title: 'A page', screen: '1440x900', locale: 'en-GB', timezone: 'Europe/London', props: { plan: 'pro', seats: 3 },
      })),
    ),
  ) as unknown[],
)
const costs: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  let events = 0
  const until = performance.now() + SECONDS * 1000
  const cpu = process.cpuUsage()
  while (performance.now() < until) {
    for (const batch of batches) {
      if (validateEvents(batch, 15_000).valid.length !== 50) throw new Error('an event was refused')
      events += 50
    }
  }
  const used = process.cpuUsage(cpu)
  costs.push((used.user + used.system) / events)
}
// The least of the rounds: other processes on the machine only ever add to it.
console.log(`validateEvents: ${Math.min(...costs.slice(1)).toFixed(2)} µs of CPU per event (least of ${ROUNDS - 1} rounds of ${SECONDS} s after a warm-up)`)
