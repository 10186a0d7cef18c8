import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A tiny HTTP proxy on 127.0.0.1 that forwards to a target (a collector) and can be
 * told to misbehave: answer a status of its choosing, drop the connection before
 * forwarding, or forward and then drop the connection so the client never hears the
 * answer (the request *was* processed: the case that tests deduplication).
 *
 * @example
 * const proxy = await startFlakyProxy({ target: collector.url })
 * proxy.failNext(3, { status: 503, retryAfter: 1 })   // the next 3 requests
 * proxy.failFor(2_000, { status: 500 })                // every request for 2 s
 * proxy.failNext(1, 'drop-after')                      // processed, answer lost
 * const sdk = createTallyNode({ endpoint: proxy.url, ... })
 * await proxy.close()
 */

/** What the proxy does instead of forwarding normally. */
export type Fault =
  /** Answer this status itself (JSON `{ error: { code, message } }` unless `body` is given). */
  | { status: number; retryAfter?: number | string; body?: string }
  /** Read the request, then destroy the connection without an answer (nothing forwarded). */
  | 'drop'
  /** Forward the request and wait for the target's answer, then destroy the connection instead of relaying it. */
  | 'drop-after'
  /** Forward after a pause (a slow network or a hanging collector). */
  | { delayMs: number }

export type Outcome = 'forwarded' | 'faulted' | 'dropped' | 'dropped-after' | 'bad-gateway'

export interface ProxyLogEntry {
  /** When the request arrived (ms since the epoch). */
  at: number
  method: string
  path: string
  outcome: Outcome
  /** The status the client received (absent when the connection was dropped). */
  status?: number
  /** The request body, when `recordBodies` is on. */
  body?: string
}

export interface FlakyProxyOptions {
  /** Base URL requests are forwarded to, e.g. `http://127.0.0.1:8787`. */
  target: string
  /** Port to listen on. Default `0` (a free one). */
  port?: number
  /** Keep each request body in `log` (to check that retries resend the same events). Default `false`. */
  recordBodies?: boolean
}

export interface FlakyProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Every request seen, oldest first. */
  readonly log: readonly ProxyLogEntry[]
  /** The next `n` requests get `fault` (after any counts scripted before). */
  failNext(n: number, fault: Fault): void
  /** Every request in the next `ms` gets `fault` (counted faults go first). */
  failFor(ms: number, fault: Fault): void
  /** Forward everything again: forgets scripted faults. */
  heal(): void
  /** Changes the target (e.g. after a collector moved port). */
  setTarget(url: string): void
  /** How many requests ended each way. */
  count(outcome?: Outcome): number
  close(): Promise<void>
}

export async function startFlakyProxy(options: FlakyProxyOptions): Promise<FlakyProxy> {
  let target = new URL(options.target)
  const script: { left: number; fault: Fault }[] = []
  let window: { until: number; fault: Fault } | undefined
  const log: ProxyLogEntry[] = []

  const nextFault = (): Fault | undefined => {
    const head = script[0]
    if (head) {
      if (--head.left <= 0) script.shift()
      return head.fault
    }
    if (window && Date.now() < window.until) return window.fault
    window = undefined
    return undefined
  }

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => req.socket.destroy())
  })

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const at = Date.now()
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const entry: ProxyLogEntry = { at, method: req.method ?? 'GET', path: req.url ?? '/', outcome: 'forwarded' }
    if (options.recordBodies) entry.body = body.toString('utf8')
    log.push(entry)

    const fault = nextFault()
    if (fault === 'drop') {
      entry.outcome = 'dropped'
      req.socket.destroy()
      return
    }
    if (typeof fault === 'object' && 'status' in fault) {
      entry.outcome = 'faulted'
      entry.status = fault.status
      const headers: Record<string, string> = { 'content-type': 'application/json', connection: 'close' }
      if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter)
      res.writeHead(fault.status, headers)
      res.end(fault.body ?? JSON.stringify({ error: { code: `ERR_PROXY_${fault.status}`, message: 'scripted by the flaky proxy' } }))
      return
    }
    if (typeof fault === 'object' && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs))

    let upstream: { status: number; headers: IncomingMessage['headers']; body: Buffer }
    try {
      upstream = await forward(req, body)
    } catch {
      entry.outcome = 'bad-gateway'
      entry.status = 502
      res.writeHead(502, { 'content-type': 'application/json', connection: 'close' })
      res.end(JSON.stringify({ error: { code: 'ERR_BAD_GATEWAY', message: 'the flaky proxy could not reach its target' } }))
      return
    }
    if (fault === 'drop-after') {
      entry.outcome = 'dropped-after'
      req.socket.destroy()
      return
    }
    entry.status = upstream.status
    const headers = { ...upstream.headers }
    delete headers['transfer-encoding']
    delete headers.connection
    delete headers['keep-alive']
    headers['content-length'] = String(upstream.body.length)
    res.writeHead(upstream.status, headers)
    res.end(upstream.body)
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host, 'content-length': String(body.length) }
    delete headers.connection
    delete headers['keep-alive']
    delete headers['transfer-encoding']
    return new Promise((resolve, reject) => {
      const up = httpRequest(
        { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent: false },
        (upRes) => {
          const chunks: Buffer[] = []
          upRes.on('data', (c: Buffer) => chunks.push(c))
          upRes.on('end', () => resolve({ status: upRes.statusCode ?? 502, headers: upRes.headers, body: Buffer.concat(chunks) }))
          upRes.on('error', reject)
        },
      )
      up.on('error', reject)
      up.end(body)
    })
  }

  server.listen(options.port ?? 0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    failNext(n, fault) {
      if (n > 0) script.push({ left: n, fault })
    },
    failFor(ms, fault) {
      window = { until: Date.now() + ms, fault }
    },
    heal() {
      script.length = 0
      window = undefined
    },
    setTarget(url) {
      target = new URL(url)
    },
    count(outcome) {
      return outcome === undefined ? log.length : log.filter((e) => e.outcome === outcome).length
    },
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
