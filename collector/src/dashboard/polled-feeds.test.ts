import { expect, it } from 'vitest'
import { PolledFeeds } from './polled-feeds.js'

// One poll loop per key whatever the number of watchers (the cost of a site's change
// signal does not grow with its viewers), a reading sent only when it changed, and no
// loop left once the last watcher is gone. A second key's loop is the clock: "n rounds
// of it" is the positive signal each count is taken against.
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 2))
}

it('shares one loop per key, sends changes only, and stops with the last watcher', async () => {
  const feeds = new PolledFeeds(5)
  let reads = 0
  let ticks = 0
  let value = 1
  const read = async () => (reads++, { value })
  const clock = feeds.subscribe('clock', async () => ({ tick: ++ticks }), () => {})
  const rounds = async (n: number) => {
    const [r0, t0] = [reads, ticks]
    await until(() => ticks >= t0 + n)
    return reads - r0
  }
  const a: string[] = []
  const b: string[] = []
  const stopA = feeds.subscribe('k', read, (json) => a.push(json))
  await until(() => a.length === 1)
  const stopB = feeds.subscribe('k', read, (json) => b.push(json))
  expect(b).toEqual(['{"value":1}']) // the current reading at once, without a read of its own
  // two watchers, one loop: about one read per round of the clock, not two
  expect(await rounds(20)).toBeLessThanOrEqual(22)
  expect([a.length, b.length]).toEqual([1, 1]) // unchanged readings are not sent again
  value = 2
  await until(() => a.length === 2 && b.length === 2)
  expect(a[1]).toBe('{"value":2}')
  stopA()
  stopB()
  expect(await rounds(10)).toBeLessThanOrEqual(1) // at most the round already under way
  clock()
  feeds.close()
})
