import { expect, it } from 'vitest'
import { AnswerCache } from './answer-cache.js'

// The clock is a variable: ages are set, never waited for.
const deferred = <T>() => {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((res) => (resolve = res))
  return { promise, resolve }
}
const tick = () => new Promise((r) => setTimeout(r, 0)) // lets a finished run record its time

it('shares one run among the requests for a view, however long it takes, and runs another view or version on its own', async () => {
  let now = 0
  const cache = new AnswerCache<string>({ now: () => now, settleMs: 60_000 })
  const pending = deferred<string>()
  let runs = 0
  const slow = () => (runs++, pending.promise)
  const first = cache.get('site', 'v1', 'view', slow)
  now += 5_000 // still in flight: joined, not run again
  const second = cache.get('site', 'v1', 'view', slow)
  expect(runs).toBe(1)
  pending.resolve('answer')
  expect(await Promise.all([first, second])).toEqual(['answer', 'answer'])
  expect(await cache.get('site', 'v1', 'other view', async () => 'other')).toBe('other')
  expect(await cache.get('site', 'v2', 'view', async () => 'new version')).toBe('new version')
  expect(await cache.get('other site', 'v2', 'view', async () => 'other site')).toBe('other site')
})

it('hands a finished answer out for maxAgeMs after it came, then runs again', async () => {
  let now = 0
  const cache = new AnswerCache<number>({ now: () => now, maxAgeMs: 500, settleMs: 0 })
  let n = 0
  const run = async () => ++n
  expect(await cache.get('s', 'v', 'view', run)).toBe(1)
  await tick()
  now += 499
  expect(await cache.get('s', 'v', 'view', run)).toBe(1)
  now += 1
  expect(await cache.get('s', 'v', 'view', run)).toBe(2)
})

it('never answers a request made after the version settled with a run started before', async () => {
  let now = 0
  const cache = new AnswerCache<string>({ now: () => now, maxAgeMs: 60_000, settleMs: 1_000 })
  const pending = deferred<string>()
  const early = cache.get('s', 'v', 'view', () => pending.promise) // just after the change
  now += 999
  expect(cache.get('s', 'v', 'view', async () => 'not run')).toBe(early) // the same burst
  now += 1 // 1 s after the version was first seen: the page's settle fetch
  const settled = cache.get('s', 'v', 'view', async () => 'settled')
  pending.resolve('early')
  expect(await early).toBe('early')
  expect(await settled).toBe('settled')
  expect(await cache.get('s', 'v', 'view', async () => 'not run')).toBe('settled')
})

it('counts a version settled from its first sighting, the change feed\'s when it read it first', async () => {
  let now = 0
  const cache = new AnswerCache<string>({ now: () => now, maxAgeMs: 60_000, settleMs: 1_000 })
  cache.saw('s', 'v') // the change feed reads the new version, then tells the viewers
  now += 300
  const early = await cache.get('s', 'v', 'view', async () => 'early') // a viewer's refetch
  now += 700 // the page's settle fetch, sent 1 s after it was told, may arrive sooner than that after the first request
  expect(await cache.get('s', 'v', 'view', async () => 'settled')).toBe('settled')
  expect(early).toBe('early')
})

it('keeps no failed run: the next request runs again', async () => {
  const cache = new AnswerCache<string>({ now: () => 0 })
  await expect(cache.get('s', 'v', 'view', async () => Promise.reject(new Error('engine down')))).rejects.toThrow('engine down')
  await tick()
  await expect(cache.get('s', 'v', 'view', () => { throw new Error('thrown at once') })).rejects.toThrow('thrown at once')
  await tick()
  expect(await cache.get('s', 'v', 'view', async () => 'recovered')).toBe('recovered')
})

it('holds at most maxEntries answers, dropping the least recently used', async () => {
  const cache = new AnswerCache<string>({ now: () => 0, maxEntries: 2 })
  await cache.get('s', 'v', 'a', async () => 'a1')
  await cache.get('s', 'v', 'b', async () => 'b1')
  await cache.get('s', 'v', 'a', async () => 'a2') // a is used again: b is now the oldest
  await cache.get('s', 'v', 'c', async () => 'c1')
  expect(cache.size).toBe(2)
  expect(await cache.get('s', 'v', 'a', async () => 'a3')).toBe('a1')
  expect(await cache.get('s', 'v', 'b', async () => 'b2')).toBe('b2')
})
