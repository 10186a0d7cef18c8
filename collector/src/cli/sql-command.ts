import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { formatTable } from './format-table.js'

export const SQL_USAGE = `Usage: tally-collector sql [options] "SELECT …"

Runs one read-only statement on a running collector (POST /v1/sql) and prints the result.
  --format table|csv|tsv|json|jsonl   output (default table; csv and tsv with a header)
  --param name=value                  a value for a {name:Type} placeholder (repeatable)
  --url URL                           the collector (default TALLY_URL or http://127.0.0.1:8787)
  --token TOKEN                       the admin token (default TALLY_ADMIN_TOKEN, else the
                                      dev setup's, <TALLY_DATA_DIR or .tally>/dev.json)
A query of "-" is read from standard input.`

const FORMATS = new Set(['table', 'csv', 'tsv', 'json', 'jsonl'])

/** Why the command failed, and the exit code that says so (2: usage, 1: the query or the collector). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message)
  }
}

/** `tally-collector sql …`: resolves when the result is printed. */
export async function sqlCommand(args: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { format: { type: 'string', default: 'table' }, param: { type: 'string', multiple: true, default: [] }, url: { type: 'string' }, token: { type: 'string' } },
    })
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${SQL_USAGE}`, 2)
  }
  const { values, positionals } = parsed
  if (positionals.length !== 1) throw new CliError(SQL_USAGE, 2)
  if (!FORMATS.has(values.format)) throw new CliError(`--format must be one of ${[...FORMATS].join(', ')}`, 2)
  const query = positionals[0] === '-' ? readFileSync(0, 'utf8') : positionals[0]!
  const params = Object.fromEntries(
    values.param.map((pair) => {
      const at = pair.indexOf('=')
      if (at < 1) throw new CliError(`--param takes name=value, not ${pair}`, 2)
      return [pair.slice(0, at), pair.slice(at + 1)]
    }),
  )
  const url = (values.url ?? env.TALLY_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '')
  const token = values.token ?? env.TALLY_ADMIN_TOKEN ?? devAdminToken(env)
  if (!token) throw new CliError('no admin token: pass --token, set TALLY_ADMIN_TOKEN, or run where .tally/dev.json is', 2)

  const wire = values.format === 'table' ? 'json' : values.format
  let res: Response
  try {
    res = await fetch(`${url}/v1/sql`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ query, params, format: wire }),
    })
  } catch (err) {
    throw new CliError(`cannot reach the collector at ${url}: ${(err as Error).cause ?? (err as Error).message}`, 1)
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }
    throw new CliError(`${body.error?.code ?? `HTTP ${res.status}`}: ${body.error?.message ?? res.statusText}`, 1)
  }
  try {
    if (values.format === 'table') {
      const body = (await res.json()) as { rows: Record<string, unknown>[] }
      out.write(formatTable(body.rows))
    } else {
      await res.body?.pipeTo(Writable.toWeb(out as Writable)) // streamed, as the collector sends it
    }
  } catch (err) {
    throw new CliError(`the result was cut off: ${(err as Error).message}`, 1)
  }
}

/** The dev setup's admin token (`npm start` without TALLY_CONFIG writes it), if there is one. */
export function devAdminToken(env: NodeJS.ProcessEnv): string | undefined {
  const path = join(env.TALLY_DATA_DIR || '.tally', 'dev.json')
  if (!existsSync(path)) return undefined
  return (JSON.parse(readFileSync(path, 'utf8')) as { adminToken?: string }).adminToken
}
