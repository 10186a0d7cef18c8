import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/**
 * An HTTP proxy on 127.0.0.1 in front of a ClickHouse HTTP endpoint (in tests, the
 * ClickHouse-HTTP test front), scriptable at run time from the test process:
 *
 * - `down()`: close the listening port and cut open connections → connection refused;
 *   `up()` listens again on the same port and clears every fault;
 * - `failAll(status)`: answer 500/503 with a ClickHouse-like error body, forwarding nothing;
 * - `hangAll()`: accept, read the request, never answer (the client times out);
 * - `inject(fault, { match, times })` for finer cases, first matching rule wins:
 *   `forward-then-hang` (the server did the work, the answer is lost),
 *   `forward-then-error` (the server did the work, the client hears an error),
 *   `hold` (keep the request, deliver it to the server only when `until` settles, after
 *   the client gave up: a server that commits a timed-out insert late).
 *
 * Every request is logged (`log`) with what the proxy did, so tests can see what reached
 * ClickHouse. It holds no chDB, so it lives in the test process. Requests are buffered
 * whole before forwarding (ClickHouse bodies in tests are small).
 *
 * @example
 * const proxy = await startFaultProxy(front.url)
 * await proxy.down()                         // ClickHouse unreachable
 * await proxy.up()                           // back
 * proxy.inject({ kind: 'forward-then-hang' }, { match: (r) => r.kind === 'insert', times: 1 })
 * await proxy.close()
 */

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

interface Rule {
  fault: Fault
  match?: (req: ProxiedRequest) => boolean
  left: number
}

const DEFAULT_ERRORS: Record<number, { code: number; name: string; message: string }> = {
  500: { code: 999, name: 'KEEPER_EXCEPTION', message: 'Coordination::Exception: Connection loss (injected by the fault proxy)' },
  503: { code: 202, name: 'TOO_MANY_SIMULTANEOUS_QUERIES', message: 'Too many simultaneous queries. Maximum: 100 (injected by the fault proxy)' },
}

export class FaultProxy {
  readonly log: ProxyLogEntry[] = []
  private rules: Rule[] = []
  private readonly sockets = new Set<Socket>()
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 })
  private listening = false
  private constructor(
    private readonly server: Server,
    private readonly upstream: URL,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  static async start(upstream: string, port = 0): Promise<FaultProxy> {
    let proxy: FaultProxy | undefined
    const server = createServer({ maxHeaderSize: 2 * 1024 * 1024 }, (req, res) => void proxy!.handle(req, res))
    server.on('connection', (socket: Socket) => {
      proxy!.sockets.add(socket)
      socket.once('close', () => proxy!.sockets.delete(socket))
    })
    await listen(server, port)
    proxy = new FaultProxy(server, new URL(upstream), (server.address() as AddressInfo).port)
    proxy.listening = true
    return proxy
  }

  /** Listening again (same port), every fault cleared. */
  async up(): Promise<void> {
    this.rules = []
    if (!this.listening) {
      await listen(this.server, this.port)
      this.listening = true
    }
  }

  /** Port closed and open connections cut: clients get ECONNREFUSED. */
  async down(): Promise<void> {
    this.rules = []
    if (!this.listening) return
    this.listening = false
    const closed = new Promise<void>((done) => this.server.close(() => done()))
    for (const socket of this.sockets) socket.destroy()
    await closed
  }

  /** Every request answered with `status` and a ClickHouse-like error (replaces other faults). */
  failAll(status = 503): void {
    this.rules = [{ fault: { kind: 'error', status }, left: Infinity }]
  }

  /** Every request accepted and never answered (replaces other faults). */
  hangAll(): void {
    this.rules = [{ fault: { kind: 'hang' }, left: Infinity }]
  }

  /** Adds a fault rule after the existing ones. */
  inject(fault: Fault, options: RuleOptions = {}): void {
    this.rules.push({ fault, match: options.match, left: options.times ?? Infinity })
  }

  /** Clears every fault rule (the port stays as it is). */
  clear(): void {
    this.rules = []
  }

  /** Resolves when a log entry satisfies `predicate` (polls; fails after `timeoutMs`). */
  async waitForLog(predicate: (entry: ProxyLogEntry) => boolean, timeoutMs = 10_000): Promise<ProxyLogEntry> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const found = this.log.find(predicate)
      if (found) return found
      if (Date.now() > until) throw new Error(`fault proxy: no such request within ${timeoutMs} ms; last: ${JSON.stringify(this.log.slice(-5).map(summarise))}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  async close(): Promise<void> {
    this.rules = []
    if (this.listening) {
      this.listening = false
      const closed = new Promise<void>((done) => this.server.close(() => done()))
      for (const socket of this.sockets) socket.destroy()
      await closed
    }
    this.agent.destroy()
  }

  private pick(req: ProxiedRequest): Fault {
    for (const rule of this.rules) {
      if (rule.left <= 0 || (rule.match && !rule.match(req))) continue
      rule.left--
      return rule.fault
    }
    return { kind: 'pass' }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer)
    } catch {
      return // the client went away while sending
    }
    const raw = Buffer.concat(chunks)
    const request = describe(req, raw)
    const entry: ProxyLogEntry = { at: Date.now(), req: request, outcome: 'forwarded' }
    this.log.push(entry)
    const fault = this.pick(request)
    switch (fault.kind) {
      case 'pass': {
        const answer = await this.forward(req, raw)
        if (!answer) return this.badGateway(res, entry)
        entry.upstreamStatus = entry.clientStatus = answer.status
        res.writeHead(answer.status, answer.headers).end(answer.body)
        return
      }
      case 'error':
        entry.outcome = 'error'
        entry.clientStatus = fault.status ?? 500
        return sendClickHouseError(res, fault)
      case 'hang':
        entry.outcome = 'hung'
        return
      case 'forward-then-hang': {
        const answer = await this.forward(req, raw)
        entry.outcome = 'forwarded-then-hung'
        entry.upstreamStatus = answer?.status
        return
      }
      case 'forward-then-error': {
        const answer = await this.forward(req, raw)
        entry.outcome = 'forwarded-then-error'
        entry.upstreamStatus = answer?.status
        entry.clientStatus = fault.status ?? 500
        return sendClickHouseError(res, fault)
      }
      case 'hold': {
        entry.outcome = 'held'
        await fault.until.catch(() => undefined)
        const answer = await this.forward(req, raw)
        entry.outcome = 'held-then-forwarded'
        entry.upstreamStatus = answer?.status
        if (answer && !res.destroyed && res.socket && !res.socket.destroyed) {
          entry.clientStatus = answer.status
          res.writeHead(answer.status, answer.headers).end(answer.body)
        }
        return
      }
    }
  }

  private forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer } | undefined> {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: this.upstream.host, 'content-length': String(body.length) }
    delete headers.connection
    delete headers['keep-alive']
    delete headers['transfer-encoding']
    return new Promise((done) => {
      const upstreamReq = httpRequest(
        { hostname: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers, agent: this.agent },
        (upstreamRes: IncomingMessage) => {
          const parts: Buffer[] = []
          upstreamRes.on('data', (d: Buffer) => parts.push(d))
          upstreamRes.on('error', () => done(undefined))
          upstreamRes.on('end', () => {
            const out: Record<string, string | string[]> = {}
            for (const [k, v] of Object.entries(upstreamRes.headers)) {
              if (v === undefined || k === 'connection' || k === 'keep-alive' || k === 'transfer-encoding') continue
              out[k] = v
            }
            const buf = Buffer.concat(parts)
            out['content-length'] = String(buf.length)
            done({ status: upstreamRes.statusCode ?? 502, headers: out, body: buf })
          })
        },
      )
      upstreamReq.on('error', () => done(undefined))
      upstreamReq.end(body)
    })
  }

  private badGateway(res: ServerResponse, entry: ProxyLogEntry): void {
    entry.outcome = 'refused-upstream'
    entry.clientStatus = 502
    res.writeHead(502, { 'Content-Type': 'text/plain' }).end('fault proxy: the upstream did not answer\n')
  }
}

export function startFaultProxy(upstream: string, port = 0): Promise<FaultProxy> {
  return FaultProxy.start(upstream, port)
}

/** Is this request an insert into `table` (e.g. `tally.events`)? */
export function isInsertInto(table: string): (req: ProxiedRequest) => boolean {
  const re = new RegExp(`^\\s*INSERT\\s+INTO\\s+${table.replace('.', '\\.')}\\b`, 'i')
  return (req) => req.kind === 'insert' && re.test(req.sql)
}

function describe(req: IncomingMessage, raw: Buffer): ProxiedRequest {
  const url = new URL(req.url ?? '/', 'http://proxy')
  const body = raw.toString('utf8')
  const sql = url.searchParams.get('query') ?? body
  const kind = url.pathname === '/ping' ? 'ping' : /^\s*INSERT\b/i.test(sql) ? 'insert' : 'query'
  return { method: req.method ?? 'GET', url: req.url ?? '/', sql, body, kind }
}

function sendClickHouseError(res: ServerResponse, fault: { status?: number; code?: number; name?: string; message?: string }): void {
  const status = fault.status ?? 500
  const preset = DEFAULT_ERRORS[status] ?? DEFAULT_ERRORS[500]!
  const code = fault.code ?? preset.code
  const text = `Code: ${code}. DB::Exception: ${fault.message ?? preset.message}. (${fault.name ?? preset.name}) (version fault-proxy)\n`
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(code), 'Content-Length': Buffer.byteLength(text) }).end(text)
}

function summarise(e: ProxyLogEntry): string {
  return `${e.req.kind} ${e.req.sql.slice(0, 60).replace(/\s+/g, ' ')} → ${e.outcome}`
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    const onError = (err: Error) => fail(err)
    server.once('error', onError)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError)
      done()
    })
  })
}
