import { parseArgs } from 'node:util'
import type { ReconcileReport } from '../orders/reconciler.js'
import { formatTable } from './format-table.js'
import { CliError, devAdminToken } from './sql-command.js'

export const ORDERS_USAGE = `Usage: tally-collector orders reconcile [--repair] [options]

Recomputes the revenue rollups from each order's applied state on a running collector
(POST /v1/admin/orders/reconcile) and lists every rollup group that differs.
  --repair          also correct them (ledger rows of sign 0; a second repair changes nothing)
  --format table|json   output (default table)
  --url URL         the collector (default TALLY_URL or http://127.0.0.1:8787)
  --token TOKEN     the admin token (default TALLY_ADMIN_TOKEN, else <TALLY_DATA_DIR or .tally>/dev.json)
Exit code: 0 when no group differs (after the repair, with --repair), 1 when some do or
the collector failed, 2 for a usage error.`

type Answer = ReconcileReport & { applier: boolean }

/** `tally-collector orders …`: resolves with the exit code. */
export async function ordersCommand(args: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): Promise<0 | 1> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { repair: { type: 'boolean', default: false }, format: { type: 'string', default: 'table' }, url: { type: 'string' }, token: { type: 'string' } },
    })
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${ORDERS_USAGE}`, 2)
  }
  const { values, positionals } = parsed
  if (positionals.length !== 1 || positionals[0] !== 'reconcile') throw new CliError(ORDERS_USAGE, 2)
  if (values.format !== 'table' && values.format !== 'json') throw new CliError('--format must be table or json', 2)
  const url = (values.url ?? env.TALLY_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '')
  const token = values.token ?? env.TALLY_ADMIN_TOKEN ?? devAdminToken(env)
  if (!token) throw new CliError('no admin token: pass --token, set TALLY_ADMIN_TOKEN, or run where .tally/dev.json is', 2)

  let res: Response
  try {
    res = await fetch(`${url}/v1/admin/orders/reconcile${values.repair ? '?repair=1' : ''}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
  } catch (err) {
    throw new CliError(`cannot reach the collector at ${url}: ${(err as Error).cause ?? (err as Error).message}`, 1)
  }
  const body = (await res.json().catch(() => ({}))) as Answer & { error?: { code?: string; message?: string } }
  if (!res.ok) throw new CliError(`${body.error?.code ?? `HTTP ${res.status}`}: ${body.error?.message ?? res.statusText}`, 1)
  if (values.format === 'json') out.write(`${JSON.stringify(body)}\n`)
  else out.write(describe(body))
  const remaining = body.repair ? body.repair.remaining : body.differences
  return remaining === 0 ? 0 : 1
}

function describe(r: Answer): string {
  const lines = [`${r.differences} rollup group(s) differ from the recomputation (checked ${r.checkedAt}${r.applier ? '' : '; on a collector that does not apply orders: a block being applied may show'})`]
  if (r.groups.length > 0) {
    const rows = r.groups.map((g) => ({
      rollup: g.rollup,
      group: Object.values(g.key).join(' '),
      revenue: `${g.actual.revenue} → ${g.expected.revenue}`,
      orders: `${g.actual.orders} → ${g.expected.orders}`,
      refunded: `${g.actual.refunded} → ${g.expected.refunded}`,
    }))
    lines.push(formatTable(rows).trimEnd() + (r.differences > r.groups.length ? `, the first ${r.groups.length} of ${r.differences}` : ''), '(each: what the rollup holds → the recomputation)')
  }
  if (r.repair) lines.push(`repair: ${r.repair.ledgerRows} ledger row(s), ${r.repair.rollupRows} rollup row(s) written; ${r.repair.remaining} group(s) still differ`)
  else if (r.differences > 0) lines.push('run again with --repair to correct them')
  return `${lines.join('\n')}\n`
}
