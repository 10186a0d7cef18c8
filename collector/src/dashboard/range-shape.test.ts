import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configSchema } from '../config/schema.js'
import { openStorage, type Storage } from '../storage/client.js'
import { windowParams } from './queries/range-shape.js'

// The dashboard's periods start and end where TypeScript (Node's time zone data) says a
// local day starts; the chart buckets and the analysts' SQL use ClickHouse's. Both must
// agree, also where a DST change skips or repeats midnight.
const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'America/Havana', 'America/Santiago', 'Atlantic/Azores', 'America/St_Johns',
  'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Auckland', 'Asia/Shanghai', 'Africa/Cairo']
let storage: Storage

beforeAll(async () => {
  const config = configSchema.parse({ dataDir: mkdtempSync(join(tmpdir(), 'tally-range-')), clickhouse: {}, sql: {}, orders: {}, token: {}, spool: {}, writer: {}, sites: [{ id: 'a' }], keys: [{ kid: 'k', alg: 'HS256', secret: 'x'.repeat(32) }] })
  storage = await openStorage(config)
}, 60_000)

afterAll(async () => storage?.close())

const engineStart = async (date: string, tz: string) => {
  const result = await storage.readClient.query({ query: 'SELECT toUnixTimestamp(toDateTime({d:Date}, {tz:String})) AS t', query_params: { d: date, tz }, format: 'JSONEachRow' })
  return Number((await result.json<{ t: number }>())[0]!.t)
}
const params = (from: string, to: string, tz: string) => windowParams({ from, to, prev_from: from, prev_to: to, tz, hourly: 0 })

describe('a period’s first and last instants', () => {
  it('are the local midnights ClickHouse computes, where a DST change skips midnight too', async () => {
    // clocks jump from 00:00 to 01:00: the day starts at the jump
    expect(params('2024-03-10', '2024-03-10', 'America/Havana').cur_start).toBe(Date.UTC(2024, 2, 10, 5) / 1000)
    expect(params('2024-09-08', '2024-09-08', 'America/Santiago').cur_start).toBe(Date.UTC(2024, 8, 8, 4) / 1000)
    expect(params('2024-03-31', '2024-03-31', 'Atlantic/Azores').cur_start).toBe(Date.UTC(2024, 2, 31, 1) / 1000)
    for (const [date, tz] of [['2024-03-10', 'America/Havana'], ['2024-09-08', 'America/Santiago'], ['2024-03-31', 'Atlantic/Azores'], ['2024-11-03', 'America/Havana']] as const) {
      expect(params(date, date, tz).cur_start, `${date} ${tz}`).toBe(await engineStart(date, tz))
    }
  })

  it('agree with ClickHouse for any day and zone', async () => {
    const day = fc.integer({ min: Date.UTC(2015, 0, 1) / 86_400_000, max: Date.UTC(2030, 11, 31) / 86_400_000 }).map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10))
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ZONES), day, async (tz, date) => {
        const next = new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10)
        const p = params(date, date, tz)
        expect({ tz, date, start: p.cur_start, end: p.cur_end }).toEqual({ tz, date, start: await engineStart(date, tz), end: await engineStart(next, tz) })
      }),
      { numRuns: 300, seed: 20261201 },
    )
  }, 60_000)
})
