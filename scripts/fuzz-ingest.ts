// The long ingest fuzz: hostile batches over HTTP to a real collector (embedded engine),
// then a control event and a read-back of what was accepted (see test/support/fuzz-ingest.ts).
//   node --import tsx scripts/fuzz-ingest.ts --runs 2000 [--seed 42]     (npm run fuzz -- --runs 2000)
import { parseArgs } from 'node:util'
import { startCollector } from '../test/support/collector-process.js'
import { fuzzIngest } from '../test/support/fuzz-ingest.js'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '2000' }, seed: { type: 'string' } } })
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${values.runs}`)

const collector = await startCollector()
const started = Date.now()
try {
  const report = await fuzzIngest(collector, {
    numRuns: runs,
    seed: values.seed === undefined ? undefined : Number(values.seed),
    controlTimeoutMs: 30_000,
    progress: (line) => console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${line}`),
  })
  console.log(`seed ${report.seed}: ${report.requests} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, none answered 5xx`)
  console.log(`statuses: ${JSON.stringify(report.statuses)}`)
  console.log(`events accepted: ${report.accepted}; read back and compared: ${report.readBack}; control event in events after ${report.controlMs} ms`)
  console.log(`rejection reasons: ${JSON.stringify(report.reasons)}`)
  console.log('writer errors: 0; /readyz: ready')
} catch (err) {
  console.error(err instanceof Error ? err.message : err)
  if (err instanceof Error && err.cause) console.error('caused by:', err.cause instanceof Error ? err.cause.message : err.cause)
  process.exitCode = 1
} finally {
  await collector.cleanup()
}
