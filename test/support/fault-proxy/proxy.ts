/**
 * The fault proxy's server (see ../fault-proxy.ts for what it does and an example):
 * listens on 127.0.0.1, applies the fault rules to each request and logs what it did.
 */
import { createServer, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { describe, pickFault, summarise, type Fault, type ProxyLogEntry, type Rule, type RuleOptions } from './model.js'
import { forward, sendClickHouseError } from './upstream.js'

/** An HTTP proxy in front of a ClickHouse HTTP endpoint, with faults scriptable at run time. */
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
    const fault = pickFault(this.rules, request)
    switch (fault.kind) {
      case 'pass': {
        const answer = await forward(this.upstream, this.agent, req, raw)
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
        const answer = await forward(this.upstream, this.agent, req, raw)
        entry.outcome = 'forwarded-then-hung'
        entry.upstreamStatus = answer?.status
        return
      }
      case 'forward-then-error': {
        const answer = await forward(this.upstream, this.agent, req, raw)
        entry.outcome = 'forwarded-then-error'
        entry.upstreamStatus = answer?.status
        entry.clientStatus = fault.status ?? 500
        return sendClickHouseError(res, fault)
      }
      case 'hold': {
        entry.outcome = 'held'
        await fault.until.catch(() => undefined)
        const answer = await forward(this.upstream, this.agent, req, raw)
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

  private badGateway(res: ServerResponse, entry: ProxyLogEntry): void {
    entry.outcome = 'refused-upstream'
    entry.clientStatus = 502
    res.writeHead(502, { 'Content-Type': 'text/plain' }).end('fault proxy: the upstream did not answer\n')
  }
}

export function startFaultProxy(upstream: string, port = 0): Promise<FaultProxy> {
  return FaultProxy.start(upstream, port)
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
