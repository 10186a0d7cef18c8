import { expect, it } from 'vitest'
import { SettledReadings } from './settled-readings.js'

// The clock is a variable: ages are set, never waited for.
it('reads again while a stamp is new, keeps a settled reading, and reads again when the stamp moves', async () => {
  let now = 10_000
  const readings = new SettledReadings<string>({ settleMs: 1_000, maxKeepMs: 15_000, now: () => now })
  let reads = 0
  let data = 'a'
  const read = (stamp: string) => readings.read('screen', stamp, async () => (reads++, data))
  await read('v1') // first sight of v1
  now += 500
  await read('v1') // 500 ms after: an insert may still be going through its views
  now += 500
  await read('v1') // 1 s after, equal to the one before: settled
  expect(reads).toBe(3)
  now += 5_000
  expect(await read('v1')).toBe('a')
  expect(reads).toBe(3)
  data = 'b'
  expect(await read('v2')).toBe('b') // the version moved
  expect(reads).toBe(4)
  now += 1_000
  await read('v2')
  await read('v2')
  expect(reads).toBe(5)
})

it('keeps a reading only once two in a row agree, and reads a kept one again after maxKeepMs', async () => {
  let now = 0
  const readings = new SettledReadings<string>({ settleMs: 1_000, maxKeepMs: 15_000, now: () => now })
  let reads = 0
  let data = 'half'
  const read = () => readings.read('screen', 'v1', async () => (reads++, data))
  await read()
  now += 1_000
  data = 'whole' // the insert's last rollup arrived after the first reading
  await read() // 1 s after, but not equal to the one before: not settled
  await read() // equal now: settled
  expect(reads).toBe(3)
  now += 14_999
  expect(await read()).toBe('whole')
  expect(reads).toBe(3)
  data = 'repaired' // a change that moves no stamp
  now += 1
  expect(await read()).toBe('repaired')
  expect(await read()).toBe('repaired')
  expect(reads).toBe(5)
  expect(await read()).toBe('repaired')
  expect(reads).toBe(5)
})

it('keeps nothing from a failed read', async () => {
  let now = 0
  const readings = new SettledReadings<string>({ now: () => now })
  await readings.read('k', 'v', async () => 'x')
  now += 2_000
  await expect(readings.read('k', 'v', async () => Promise.reject(new Error('engine down')))).rejects.toThrow('engine down')
  expect(await readings.read('k', 'v', async () => 'x')).toBe('x') // settled now
  expect(await readings.read('k', 'v', async () => 'not read')).toBe('x')
})

it('keeps at most maxKeys readings, dropping the least recently used', async () => {
  const readings = new SettledReadings<string>({ settleMs: 0, maxKeys: 2, now: () => 0 })
  let reads = 0
  const read = (key: string) => readings.read(key, 'v', async () => (reads++, key))
  for (const key of ['a', 'a', 'b', 'b']) await read(key) // two reads each: settled
  expect(reads).toBe(4)
  await read('a') // kept, and now the most recent
  await read('c')
  await read('a')
  expect(reads).toBe(5)
  await read('b') // dropped for c
  expect(reads).toBe(6)
})
