import { parseArgs } from 'node:util'
import { formatTable } from './format-table.js'
import { CliError, devAdminToken } from './sql-command.js'

export const SHARE_USAGE = `Usage: tally-collector share create --site SITE [--label TEXT] | share revoke ID | share list

Read-only share links of the dashboard, one site each, on a running collector
(/v1/admin/shares). create prints the link once (its secret is in the #share= fragment;
only its SHA-256 is stored); revoke takes effect within 3 s, open big screens included.
  --format table|json   output (default table)
  --url URL             the collector (default TALLY_URL or http://127.0.0.1:8787)
  --token TOKEN         the admin token (default TALLY_ADMIN_TOKEN, else <TALLY_DATA_DIR or .tally>/dev.json)`

interface Share {
  id: string
  site: string
  label: string
  created_at: string
  revoked?: boolean
  url?: string
  screen_url?: string
}

/** `tally-collector share …` */
export async function shareCommand(args: string[], env: NodeJS.ProcessEnv, out: NodeJS.WritableStream): Promise<void> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { site: { type: 'string' }, label: { type: 'string' }, format: { type: 'string', default: 'table' }, url: { type: 'string' }, token: { type: 'string' } },
    })
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${SHARE_USAGE}`, 2)
  }
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  if (values.format !== 'table' && values.format !== 'json') throw new CliError('--format must be table or json', 2)
  const url = (values.url ?? env.TALLY_URL ?? 'http://127.0.0.1:8787').replace(/\/$/, '')
  const token = values.token ?? env.TALLY_ADMIN_TOKEN ?? devAdminToken(env)
  if (!token) throw new CliError('no admin token: pass --token, set TALLY_ADMIN_TOKEN, or run where .tally/dev.json is', 2)
  const call = (method: string, path: string, body?: unknown) => request(url, token, method, path, body)
  const print = (rows: Share[], json: unknown) => out.write(values.format === 'json' ? `${JSON.stringify(json)}\n` : formatTable(rows.map(describe)))

  if (action === 'create' && rest.length === 0) {
    if (!values.site) throw new CliError(`share create needs --site\n\n${SHARE_USAGE}`, 2)
    const share = (await call('POST', '/v1/admin/shares', { site: values.site, label: values.label ?? '' })) as Share
    if (values.format === 'json') out.write(`${JSON.stringify(share)}\n`)
    else out.write(`share ${share.id} of site ${share.site} (shown once; anyone with it sees this site until revoked):\n  ${share.url}\n  ${share.screen_url}\n`)
  } else if (action === 'revoke' && rest.length === 1) {
    const answer = await call('DELETE', `/v1/admin/shares/${encodeURIComponent(rest[0]!)}`)
    if (values.format === 'json') out.write(`${JSON.stringify(answer)}\n`)
    else out.write(`share ${rest[0]} revoked\n`)
  } else if (action === 'list' && rest.length === 0) {
    const answer = (await call('GET', '/v1/admin/shares')) as { shares: Share[] }
    print(answer.shares, answer)
  } else throw new CliError(SHARE_USAGE, 2)
}

const describe = (s: Share) => ({ id: s.id, site: s.site, label: s.label, created_at: s.created_at, state: s.revoked ? 'revoked' : 'active' })

async function request(url: string, token: string, method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
  } catch (err) {
    throw new CliError(`cannot reach the collector at ${url}: ${(err as Error).cause ?? (err as Error).message}`, 1)
  }
  const answer = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } }
  if (!res.ok) throw new CliError(`${answer.error?.code ?? `HTTP ${res.status}`}: ${answer.error?.message ?? res.statusText}`, 1)
  return answer
}
