import { expect, it } from 'vitest'
import { SettledReadings } from './settled-readings.js'

// The clock is a variable: ages are set, never waited for.
it('reads again while a stamp is new, keeps the reading once it settled, and reads again when the stamp moves', async () => {
  let now = 10_000
  const readings = new SettledReadings<number>(1_000, () => now)
  let n = 0
  const read = (stamp: string) => readings.read('screen', stamp, async () => ++n)
  expect(await read('v1')).toBe(1) // first sight of v1
  now += 400
  expect(await read('v1')).toBe(2) // 400 ms after: an insert may still be going through its views
  now += 600
  expect(await read('v1')).toBe(3) // 1 s after v1 was first seen: this reading is settled
  now += 5_000
  expect(await read('v1')).toBe(3)
  expect(await read('v1')).toBe(3)
  expect(await read('v2')).toBe(4) // the version moved
  now += 1_000
  expect(await read('v2')).toBe(5)
  expect(await read('v2')).toBe(5)
  expect(await readings.read('other screen', 'v2', async () => 100)).toBe(100) // keys are apart
})

it('keeps nothing from a failed read', async () => {
  let now = 0
  const readings = new SettledReadings<string>(1_000, () => now)
  expect(await readings.read('k', 'v', async () => 'first')).toBe('first')
  now += 2_000
  await expect(readings.read('k', 'v', async () => Promise.reject(new Error('engine down')))).rejects.toThrow('engine down')
  expect(await readings.read('k', 'v', async () => 'settled')).toBe('settled')
  now += 1
  expect(await readings.read('k', 'v', async () => 'not read')).toBe('settled')
})
