import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy.js'
import { createTallyNode, type TallyNode } from '../../sdk-node/src/index.js'
import { exactlyOnce, newRun, sleep, storedIds } from './helpers.js'

// The collector misbehaves while sdk-node streams events: 503/429/500, dropped
// connections (before and after processing), a restart and a kill -9. Nothing is lost,
// nothing is counted twice.
let c: CollectorProcess
let proxy: FlakyProxy

beforeAll(async () => {
  c = await startCollector()
  proxy = await startFlakyProxy({ target: c.url })
})
afterAll(async () => {
  await proxy?.close()
  await c?.cleanup()
})

function client(): { tally: TallyNode; errors: string[] } {
  const errors: string[] = []
  const tally = createTallyNode({
    endpoint: proxy.url,
    getToken: async () => ({ token: await c.token({ ttlSeconds: 600 }), expiresAt: Date.now() + 600_000 }),
    flushAt: 10,
    flushInterval: 100,
    maxBatchEvents: 10, // many small requests, so the faults land between them
    backoff: { base: 100, max: 400 },
    onError: (o) => errors.push(String(o.status ?? o.code)),
  })
  return { tally, errors }
}

/** Tracks `n` events, one every `everyMs`, calling `at[i]` just before event i. */
async function stream(tally: TallyNode, run: string, n: number, everyMs: number, at: Record<number, () => unknown> = {}): Promise<string[]> {
  const ids: string[] = []
  const pending: unknown[] = []
  for (let i = 0; i < n; i++) {
    if (at[i]) pending.push(at[i]!())
    ids.push(tally.track('stream', { run, i }))
    await sleep(everyMs)
  }
  await Promise.all(pending)
  return ids
}

describe('sdk-node through faults', () => {
  it('503 with Retry-After, 429, 500 for a while, dropped connections and a restart: exactly once', async () => {
    const run = newRun('faults')
    const { tally, errors } = client()
    const streaming = stream(tally, run, 300, 10)
    // Each fault waits for deliveries to resume after the previous one, so they land
    // between batches of the stream rather than all on its first request.
    const resumed = async (n = 2) => {
      const target = proxy.count('forwarded') + n
      while (proxy.count('forwarded') < target) await sleep(10)
    }
    proxy.failNext(1, { status: 503, retryAfter: 1 })
    await resumed()
    proxy.failFor(300, { status: 500 })
    await sleep(300)
    await resumed()
    proxy.failNext(2, { status: 429, retryAfter: 0 })
    await resumed()
    proxy.failNext(1, 'drop')
    proxy.failNext(2, 'drop-after') // processed by the collector, answer lost: the retry must not double
    await resumed()
    await c.restart()
    const ids = await streaming
    const result = await tally.close({ timeout: 20_000 })
    expect(result).toEqual({ delivered: true, unsent: 0 })
    for (const code of ['503', '429', '500', 'ERR_NETWORK']) expect(errors).toContain(code)
    expect(proxy.count('dropped-after')).toBe(2)
    expect(exactlyOnce(await storedIds(c, run, ids.length), ids)).toBe('')
  })

  it('a kill -9 mid-stream: what was acknowledged survives, the rest is retried, once', async () => {
    const run = newRun('kill9')
    proxy.heal()
    const { tally } = client()
    const ids = await stream(tally, run, 100, 10, {
      50: async () => {
        await c.kill9()
        await sleep(300) // down for a moment: the client gets 502s and connection errors
        await c.start()
      },
    })
    expect(await tally.close({ timeout: 20_000 })).toEqual({ delivered: true, unsent: 0 })
    expect(exactlyOnce(await storedIds(c, run, ids.length), ids)).toBe('')
  })
})
