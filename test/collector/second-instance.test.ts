import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'

// A second collector on a data folder that one already holds exits at once with one
// clear line, instead of a chDB stack trace after ~20 s; in server mode too (the spool is
// per process). The first keeps running.
let first: CollectorProcess

beforeAll(async () => {
  first = await startCollector()
})
afterAll(async () => {
  await first?.cleanup()
})

for (const [mode, env] of [
  ['embedded', {}],
  ['server', { CLICKHOUSE_URL: 'http://127.0.0.1:9' }],
] as const) {
  it(`a second ${mode}-mode collector on the same data folder exits at once, saying who holds it`, async () => {
    const started = Date.now()
    const failure = await startCollector({ dataDir: first.dataDir, env }).then(
      () => new Error('the second collector started'),
      (err: Error) => err,
    )
    const ms = Date.now() - started
    const output = failure.message.split('\n').slice(1).join('\n').trim()
    expect(failure.message).toMatch(/^collector exited \(1\) before listening/)
    expect(output).toBe(`[tally] another collector (pid ${first.pid}) holds the data folder ${join(first.dataDir, 'data')}`)
    expect(ms).toBeLessThan(15_000) // a process start (slow on a loaded machine), not the engine's ~20 s of retries
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200)
  })
}
