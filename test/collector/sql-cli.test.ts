import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startCollector, type CollectorProcess } from '../support/collector-process.js'

// `tally-collector sql` (issue 7, finding 7): the collector package's CLI, run as a user
// would (its bin, a child process) against a real running collector.

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const BIN = join(ROOT, 'collector', 'bin', 'tally-collector.mjs')
const run = promisify(execFile)

let c: CollectorProcess

beforeAll(async () => {
  c = await startCollector()
}, 60_000)

afterAll(async () => {
  await c?.cleanup()
})

async function cli(args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

const QUERY = "SELECT number AS n, concat('row ', toString(number)) AS label FROM numbers(3)"

describe('tally-collector sql', () => {
  it('prints a table by default', async () => {
    const { code, stdout } = await cli(['sql', '--url', c.url, '--token', ADMIN_TOKEN, QUERY])
    expect(code).toBe(0)
    expect(stdout).toBe(['n │ label', '──┼──────', '0 │ row 0', '1 │ row 1', '2 │ row 2', '(3 rows)', ''].join('\n'))
  })

  it('takes --format and --param, with the URL and token from the environment', async () => {
    const env = { TALLY_URL: c.url, TALLY_ADMIN_TOKEN: ADMIN_TOKEN }
    expect((await cli(['sql', '--format', 'csv', QUERY], env)).stdout).toBe('"n","label"\n0,"row 0"\n1,"row 1"\n2,"row 2"\n')
    expect((await cli(['sql', '--format', 'tsv', QUERY], env)).stdout).toBe('n\tlabel\n0\trow 0\n1\trow 1\n2\trow 2\n')
    expect((await cli(['sql', '--format', 'jsonl', 'SELECT {x:UInt8} * 2 AS y', '--param', 'x=21'], env)).stdout).toBe('{"y":42}\n')
    expect(JSON.parse((await cli(['sql', '--format', 'json', 'SELECT 1 AS one'], env)).stdout)).toEqual({ rows: [{ one: 1 }] })
  })

  it('finds the admin token in the dev setup file', async () => {
    const cwd = join(c.dataDir, 'cli-cwd')
    mkdirSync(join(cwd, '.tally'), { recursive: true })
    writeFileSync(join(cwd, '.tally', 'dev.json'), JSON.stringify({ adminToken: ADMIN_TOKEN }))
    expect((await cli(['sql', '--url', c.url, 'SELECT 7 AS seven'], {}, cwd)).stdout).toContain('    7')
  })

  it('says what went wrong, with the collector’s code, and exits non-zero', async () => {
    const refused = await cli(['sql', '--url', c.url, '--token', ADMIN_TOKEN, "SELECT 1 INTO OUTFILE '/tmp/tally-cli-outfile'"])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^ERR_QUERY_REFUSED: /)
    const badToken = await cli(['sql', '--url', c.url, '--token', 'wrong-token-wrong-token', 'SELECT 1'])
    expect(badToken.stderr).toMatch(/^ERR_UNAUTHORIZED: /)
    expect((await cli(['sql', '--url', c.url, '--token', ADMIN_TOKEN, '--format', 'xml', 'SELECT 1'])).code).toBe(2)
  })
})
