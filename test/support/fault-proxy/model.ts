/**
 * What the fault proxy (see ../fault-proxy.ts) knows about requests and faults: the
 * request as it sees it, the faults and the rules that choose them, and the log.
 */
import type { IncomingMessage } from 'node:http'

/** A request as the proxy sees it. */
export interface ProxiedRequest {
  method: string
  /** Path and query string as received. */
  url: string
  /** The statement: the `query` URL parameter, or the body when there is none. */
  sql: string
  /** The body (insert rows, or the statement). */
  body: string
  kind: 'ping' | 'insert' | 'query'
}

export type Fault =
  | { kind: 'pass' }
  /** Answer this status with a ClickHouse-like error; nothing reaches the server. */
  | { kind: 'error'; status?: number; code?: number; name?: string; message?: string }
  /** Read the request and never answer; nothing reaches the server. */
  | { kind: 'hang' }
  /** Forward, let the server finish, then never answer. */
  | { kind: 'forward-then-hang' }
  /** Forward, let the server finish, then answer an error instead of its answer. */
  | { kind: 'forward-then-error'; status?: number; code?: number; name?: string; message?: string }
  /** Hold the request; forward it once `until` settles (the client may be gone by then). */
  | { kind: 'hold'; until: Promise<unknown> }

export interface RuleOptions {
  /** Which requests the fault applies to (default: all). */
  match?: (req: ProxiedRequest) => boolean
  /** How many matching requests it applies to (default: unlimited). */
  times?: number
}

export type Outcome = 'forwarded' | 'refused-upstream' | 'error' | 'hung' | 'forwarded-then-hung' | 'forwarded-then-error' | 'held' | 'held-then-forwarded'

export interface ProxyLogEntry {
  at: number
  req: ProxiedRequest
  outcome: Outcome
  /** Status the server answered (when the request reached it). */
  upstreamStatus?: number
  /** Status the client received (absent when it received nothing). */
  clientStatus?: number
}

export interface Rule {
  fault: Fault
  match?: (req: ProxiedRequest) => boolean
  left: number
}

/** The fault of the first rule that matches and has uses left (using one); else `pass`. */
export function pickFault(rules: Rule[], req: ProxiedRequest): Fault {
  for (const rule of rules) {
    if (rule.left <= 0 || (rule.match && !rule.match(req))) continue
    rule.left--
    return rule.fault
  }
  return { kind: 'pass' }
}

/** Is this request an insert into `table` (e.g. `tally.events`)? */
export function isInsertInto(table: string): (req: ProxiedRequest) => boolean {
  const re = new RegExp(`^\\s*INSERT\\s+INTO\\s+${table.replace('.', '\\.')}\\b`, 'i')
  return (req) => req.kind === 'insert' && re.test(req.sql)
}

/** The request as rules see it. */
export function describe(req: IncomingMessage, raw: Buffer): ProxiedRequest {
  const url = new URL(req.url ?? '/', 'http://proxy')
  const body = raw.toString('utf8')
  const sql = url.searchParams.get('query') ?? body
  const kind = url.pathname === '/ping' ? 'ping' : /^\s*INSERT\b/i.test(sql) ? 'insert' : 'query'
  return { method: req.method ?? 'GET', url: req.url ?? '/', sql, body, kind }
}

/** One line per log entry, for failure messages. */
export function summarise(e: ProxyLogEntry): string {
  return `${e.req.kind} ${e.req.sql.slice(0, 60).replace(/\s+/g, ' ')} → ${e.outcome}`
}
