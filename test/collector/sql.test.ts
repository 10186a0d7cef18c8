import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'

// Analysts' SQL on the embedded engine, through a real collector's /v1/sql (issue 7,
// findings 7 and 10): valid statements run, what read-only mode cannot guard is refused
// by the engine's parser, limits hold and cannot be lifted, and a runaway query is
// cancelled at SIGTERM instead of keeping the process alive.

let limited: CollectorProcess // small limits: 1,000 result rows, 2 s
let runaway: CollectorProcess // generous limits: 120 s, so only cancellation can stop its query early
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tally-sql-'))
  ;[limited, runaway] = await Promise.all([
    startCollector({ env: { TALLY_SQL_MAX_RESULT_ROWS: '1000', TALLY_SQL_MAX_EXECUTION_SECONDS: '2' } }),
    startCollector({ env: { TALLY_SQL_MAX_EXECUTION_SECONDS: '120' } }),
  ])
}, 90_000)

afterAll(async () => {
  await limited?.cleanup()
  await runaway?.cleanup()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function sql(c: CollectorProcess, body: object, signal?: AbortSignal): Promise<Response> {
  return fetch(`${c.url}/v1/sql`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` }, body: JSON.stringify(body), signal })
}

async function refusal(c: CollectorProcess, query: string): Promise<{ status: number; code: string }> {
  const res = await sql(c, { query })
  const body = (await res.json()) as { error?: { code: string } }
  return { status: res.status, code: body.error?.code ?? 'none' }
}

describe('/v1/sql on the embedded engine', () => {
  it('runs valid statements the old text check refused', async () => {
    const res = await sql(limited, { query: "SELECT ';' AS semi, 'a; DROP TABLE x' AS text, 1 AS outfile_count" })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ rows: [{ semi: ';', text: 'a; DROP TABLE x', outfile_count: 1 }] })
    const withParams = await sql(limited, { query: 'SELECT {n:UInt8} + 1 AS n', params: { n: 4 } })
    expect(await withParams.json()).toEqual({ rows: [{ n: 5 }] })
  })

  it('runs the read statements other than SELECT: EXPLAIN, DESCRIBE, SHOW', async () => {
    for (const query of ['EXPLAIN SELECT 1', 'DESCRIBE TABLE tally.events', 'DESC (SELECT 1 AS one)', 'SHOW TABLES FROM tally']) {
      const res = await sql(limited, { query })
      expect(res.status, query).toBe(200)
      expect(((await res.json()) as { rows: unknown[] }).rows.length, query).toBeGreaterThan(0)
    }
    const described = (await (await sql(limited, { query: 'DESCRIBE TABLE tally.events' })).json()) as { rows: { name: string }[] }
    expect(described.rows.map((r) => r.name)).toContain('site_id')
  })

  it('answers in the format the caller asks for: the body’s format or the query’s FORMAT clause', async () => {
    const query = "SELECT number AS n, concat('r', toString(number)) AS label FROM numbers(3)"
    const csv = await sql(limited, { query, format: 'csv' })
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(await csv.text()).toBe('"n","label"\n0,"r0"\n1,"r1"\n2,"r2"\n')
    expect(await (await sql(limited, { query, format: 'tsv' })).text()).toBe('n\tlabel\n0\tr0\n1\tr1\n2\tr2\n')
    expect(await (await sql(limited, { query, format: 'jsonl' })).text()).toBe('{"n":0,"label":"r0"}\n{"n":1,"label":"r1"}\n{"n":2,"label":"r2"}\n')
    const clause = await sql(limited, { query: `${query} FORMAT CSV` })
    expect(clause.status).toBe(200)
    expect(await clause.text()).toBe('0,"r0"\n1,"r1"\n2,"r2"\n')
    const bad = await sql(limited, { query, format: 'xml' })
    expect(bad.status).toBe(400)
  })

  it('refuses INTO OUTFILE however it is written, and writes no file', async () => {
    const file = join(dir, 'outfile.txt')
    for (const query of [
      `SELECT 1 INTO OUTFILE '${file}'`,
      `select 1 into/**/outfile '${file}' FORMAT CSV`,
      `SELECT 1 AS outfile_count INTO OUTFILE '${file}' COMPRESSION 'gzip'`,
      `EXPLAIN SELECT 1 INTO OUTFILE '${file}'`,
      `SHOW TABLES FROM system INTO OUTFILE '${file}'`,
    ]) {
      expect(await refusal(limited, query), query).toEqual({ status: 400, code: 'ERR_QUERY_REFUSED' })
    }
    expect(existsSync(file)).toBe(false)
  })

  it('refuses several statements, writes, session changes, files and URLs', async () => {
    for (const query of [
      'SELECT 1; SELECT 2',
      'SELECT 1; DROP TABLE tally.events',
      'INSERT INTO tally.events (id) VALUES (generateUUIDv4())',
      'DROP TABLE tally.events',
      'USE system',
      'SET max_result_rows = 0',
      "SELECT line FROM file('/etc/hostname', 'LineAsString')",
      "SELECT * FROM url('http://127.0.0.1:9/', 'LineAsString')",
      "SELECT * FROM remote('127.0.0.1:9', system.one)",
    ]) {
      expect(await refusal(limited, query), query).toEqual({ status: 400, code: 'ERR_QUERY_REFUSED' })
    }
    expect(await refusal(limited, 'SELEC 1')).toEqual({ status: 400, code: 'ERR_QUERY' })
    expect((await sql(limited, { query: 'SELECT count() AS n FROM tally.events' })).status).toBe(200) // still there
  })

  it('enforces the row and time limits, and a query’s SETTINGS cannot lift them', async () => {
    expect(await refusal(limited, 'SELECT number FROM numbers(5000)')).toEqual({ status: 400, code: 'ERR_QUERY_LIMIT' })
    for (const query of ['SELECT number FROM numbers(5000) SETTINGS max_result_rows = 0', 'SELECT count() FROM numbers(1e13) SETTINGS max_execution_time = 0, readonly = 0']) {
      expect(await refusal(limited, query), query).toEqual({ status: 400, code: 'ERR_QUERY_REFUSED' })
    }
    expect(await refusal(limited, 'SELECT count() FROM numbers(1e13)')).toEqual({ status: 400, code: 'ERR_QUERY_LIMIT' })
    expect((await sql(limited, { query: 'SELECT number FROM numbers(1000)' })).status).toBe(200)
  })

  it('cancels a runaway query at SIGTERM: the process exits promptly and the request gets an error', async () => {
    const answer = sql(runaway, { query: 'SELECT count() AS runaway_probe FROM numbers(1e13)' }).then(
      async (res) => ({ status: res.status, body: await res.text() }),
      (err: unknown) => ({ status: 0, body: String(err) }),
    )
    await runaway.waitFor<{ n: number }>(
      "SELECT count() AS n FROM system.processes WHERE query LIKE '%AS runaway\\_probe%' AND query NOT LIKE '%system.processes%'",
      (rows) => Number(rows[0]!.n) === 1,
    )
    const started = Date.now()
    expect(await runaway.stop()).toBe(0)
    // Generous bound: the query's own limit is 120 s, and without cancellation the process outlived even that.
    expect(Date.now() - started).toBeLessThan(20_000)
    const { status, body } = await answer
    expect(status, body).toBe(503)
    expect(JSON.parse(body).error.code).toBe('ERR_SHUTTING_DOWN')
  }, 40_000)
})
