import { expect, it } from 'vitest'
import { AnswerCache } from './answer-cache.js'

// The clock is a variable: ages are set, never waited for.
const deferred = <T>() => {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

it('shares one computation among the requests for a key, and computes another key on its own', async () => {
  const cache = new AnswerCache<string>({ now: () => 0 })
  const pending = deferred<string>()
  let computed = 0
  const compute = () => (computed++, pending.promise)
  const both = [cache.get('view@1', compute), cache.get('view@1', compute)]
  expect(computed).toBe(1)
  pending.resolve('answer')
  expect(await Promise.all(both)).toEqual(['answer', 'answer'])
  expect(await cache.get('view@1', async () => 'again')).toBe('answer')
  expect(await cache.get('view@2', async () => 'new version')).toBe('new version')
})

it('computes again once the answer is maxAgeMs old', async () => {
  let now = 1_000
  const cache = new AnswerCache<number>({ now: () => now, maxAgeMs: 500 })
  let n = 0
  const compute = async () => ++n
  expect(await cache.get('k', compute)).toBe(1)
  now += 499
  expect(await cache.get('k', compute)).toBe(1)
  now += 1
  expect(await cache.get('k', compute)).toBe(2)
})

it('keeps no failed computation: the next request computes again', async () => {
  const cache = new AnswerCache<string>({ now: () => 0 })
  await expect(cache.get('k', async () => Promise.reject(new Error('engine down')))).rejects.toThrow('engine down')
  await expect(cache.get('k', () => { throw new Error('thrown at once') })).rejects.toThrow('thrown at once')
  expect(await cache.get('k', async () => 'recovered')).toBe('recovered')
})

it('holds at most maxEntries answers, dropping the least recently used', async () => {
  const cache = new AnswerCache<string>({ now: () => 0, maxEntries: 2 })
  await cache.get('a', async () => 'a1')
  await cache.get('b', async () => 'b1')
  await cache.get('a', async () => 'a2') // a is used again: b is now the oldest
  await cache.get('c', async () => 'c1')
  expect(cache.size).toBe(2)
  expect(await cache.get('a', async () => 'a3')).toBe('a1')
  expect(await cache.get('b', async () => 'b2')).toBe('b2')
})
