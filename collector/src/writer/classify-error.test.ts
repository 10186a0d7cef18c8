import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ClickHouseError, createClient } from '@clickhouse/client'
import { createChdbConnection } from 'chdb/connection'
import { classifyInsertError, engineErrorType } from './classify-error.js'

// The data errors are provoked on the real engine (chDB), so the names are the ones it uses.
const client = createClient({ connection: createChdbConnection({ path: mkdtempSync(join(tmpdir(), 'tally-classify-')) }) } as Parameters<typeof createClient>[0])
const COLUMNS: [string, ...string[]] = ['id', 's', 'ts', 'n', 'm']
beforeAll(() => client.command({ query: "CREATE TABLE t (id UUID, s String, ts DateTime64(3, 'UTC'), n UInt8, m Map(String, String)) ENGINE = MergeTree ORDER BY id" }))
afterAll(() => client.close())

async function refusal(row: unknown[]): Promise<unknown> {
  return client.insert({ table: 't', values: [row], format: 'JSONCompactEachRow', columns: COLUMNS }).then(
    () => undefined,
    (err: unknown) => err,
  )
}

const ID = '00000000-0000-4000-8000-000000000001'

describe('classifyInsertError', () => {
  it.each([
    ['a lone surrogate in a string', [ID, '\ud800', 0, 0, {}], 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
    ['a lone surrogate in a map key', [ID, 'a', 0, 0, { '\ud83d': 'v' }], 'CANNOT_PARSE_ESCAPE_SEQUENCE'],
    ['an id that is not a UUID', ['nope', 'a', 0, 0, {}], 'CANNOT_PARSE_UUID'],
    ['a time that is not a number', [ID, 'a', 'noon', 0, {}], 'CANNOT_PARSE_DATETIME'],
    ['a number in exponent form for an integer', [ID, 'a', 1e30, 0, {}], 'CANNOT_PARSE_INPUT_ASSERTION_FAILED'],
  ])('calls %s a data error (%s on chDB)', async (_, row, type) => {
    const err = await refusal(row)
    expect(err).toBeInstanceOf(Error)
    expect(engineErrorType(err)).toBe(type)
    expect(classifyInsertError(err)).toBe('data')
  })

  it('calls what a retry can fix transient: network, timeouts, load, replicas, and anything unknown', async () => {
    const missingTable = await client.insert({ table: 'no_such_table', values: [{ a: 1 }], format: 'JSONEachRow' }).catch((e: unknown) => e)
    expect(engineErrorType(missingTable)).toBe('UNKNOWN_TABLE') // a schema problem is not the rows' fault
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' })
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    const engine = (type: string, code: string) => new ClickHouseError({ message: `${type}: busy`, code, type })
    for (const err of [
      missingTable,
      network,
      reset,
      new Error('Timeout error.'),
      new Error('Unexpected response: 502 Bad Gateway'),
      engine('TOO_MANY_PARTS', '252'),
      engine('MEMORY_LIMIT_EXCEEDED', '241'),
      engine('TIMEOUT_EXCEEDED', '159'),
      engine('TABLE_IS_READ_ONLY', '242'),
      engine('KEEPER_EXCEPTION', '999'),
      engine('SOMETHING_NEW', '1234'),
      'a string',
    ]) {
      expect(classifyInsertError(err), String(err)).toBe('transient')
    }
  })
})
