import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startClickHouseHttpFront, type FrontProcess } from '../support/clickhouse-http-front.js'

// Server mode's /v1/sql (issue 7, finding 7) over real HTTP against the ClickHouse-HTTP
// test front (a test stand-in for a server, see test/support/clickhouse-http-front.ts).
// The front knows two users: the writer, and a read-only one whose statements run on a
// read-only engine session; it logs who sent each statement. What it cannot show: real
// grants, profiles, quotas and setting constraints of a ClickHouse server.

const WRITER = { user: 'tally', password: 'writer-password' }
const READER = { user: 'analyst', password: 'analyst-password' }

let dir: string
let front: FrontProcess
let withSqlUser: CollectorProcess
let withoutSqlUser: CollectorProcess

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-sql-server-'))
  front = await startClickHouseHttpFront({
    dataDir: join(dir, 'clickhouse'),
    ...WRITER,
    readOnlyUser: READER.user,
    readOnlyPassword: READER.password,
    logPath: join(dir, 'front.log'),
  })
  const server = { CLICKHOUSE_URL: front.url, CLICKHOUSE_USER: WRITER.user, CLICKHOUSE_PASSWORD: WRITER.password }
  withSqlUser = await startCollector({ env: { ...server, CLICKHOUSE_SQL_USER: READER.user, CLICKHOUSE_SQL_PASSWORD: READER.password } })
  withoutSqlUser = await startCollector({ env: server })
}, 90_000)

afterAll(async () => {
  await withSqlUser?.cleanup()
  await withoutSqlUser?.cleanup()
  await front?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function sql(c: CollectorProcess, body: object): Promise<Response> {
  return fetch(`${c.url}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(body) })
}

describe('/v1/sql in server mode', () => {
  it('runs as the read-only SQL user, never with the writer’s credentials', async () => {
    const res = await sql(withSqlUser, { query: "SELECT count() AS sql_user_probe, ';' AS semi FROM tally.events" })
    expect(res.status, await res.clone().text()).toBe(200)
    expect(await res.json()).toEqual({ rows: [{ sql_user_probe: 0, semi: ';' }] })
    const csv = await sql(withSqlUser, { query: 'SELECT number AS n FROM numbers(2)', format: 'csv' })
    expect(await csv.text()).toBe('"n"\n0\n1\n')

    const log = front.statements()
    const probes = log.filter((s) => s.sql.includes('sql_user_probe'))
    expect(probes.length).toBeGreaterThan(0) // the inspection and the statement itself
    expect(new Set(probes.map((s) => s.user))).toEqual(new Set([READER.user]))
    expect(log.some((s) => s.user === WRITER.user)).toBe(true) // the writer's own statements (migrations) as the writer
  })

  it('the engine refuses the SQL user’s writes, table functions and setting changes', async () => {
    for (const query of ["SELECT * FROM file('/etc/hostname', 'LineAsString')", 'SELECT 1 SETTINGS max_result_rows = 5', 'SELECT 1 INTO OUTFILE \'x\'', 'DROP TABLE tally.events']) {
      const res = await sql(withSqlUser, { query })
      expect(res.status, query).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code, query).toBe('ERR_QUERY_REFUSED')
    }
  })

  it('is off without a SQL user', async () => {
    const res = await sql(withoutSqlUser, { query: 'SELECT 1' })
    expect(res.status).toBe(404)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_SQL_DISABLED')
    // Nothing of /v1/sql ever went to the engine with the writer's credentials.
    expect(front.statements().filter((s) => s.sql.includes('formatQuerySingleLine')).every((s) => s.user === READER.user)).toBe(true)
  })
})
