/**
 * The fault proxy's two ways of answering (see ../fault-proxy.ts): forwarding to the
 * upstream ClickHouse endpoint, or a ClickHouse-like error of its own.
 */
import { request as httpRequest, type Agent, type IncomingMessage, type ServerResponse } from 'node:http'

const DEFAULT_ERRORS: Record<number, { code: number; name: string; message: string }> = {
  500: { code: 999, name: 'KEEPER_EXCEPTION', message: 'Coordination::Exception: Connection loss (injected by the fault proxy)' },
  503: { code: 202, name: 'TOO_MANY_SIMULTANEOUS_QUERIES', message: 'Too many simultaneous queries. Maximum: 100 (injected by the fault proxy)' },
}

/** The upstream's answer, buffered whole. */
export interface UpstreamAnswer {
  status: number
  headers: Record<string, string | string[]>
  body: Buffer
}

/** Sends the request to `upstream` with `body`; `undefined` when the upstream did not answer. */
export function forward(upstream: URL, agent: Agent, req: IncomingMessage, body: Buffer): Promise<UpstreamAnswer | undefined> {
  const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: upstream.host, 'content-length': String(body.length) }
  delete headers.connection
  delete headers['keep-alive']
  delete headers['transfer-encoding']
  return new Promise((done) => {
    const upstreamReq = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent },
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

/** Answers `fault.status` (default 500) with a ClickHouse-like error text and exception code. */
export function sendClickHouseError(res: ServerResponse, fault: { status?: number; code?: number; name?: string; message?: string }): void {
  const status = fault.status ?? 500
  const preset = DEFAULT_ERRORS[status] ?? DEFAULT_ERRORS[500]!
  const code = fault.code ?? preset.code
  const text = `Code: ${code}. DB::Exception: ${fault.message ?? preset.message}. (${fault.name ?? preset.name}) (version fault-proxy)\n`
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Exception-Code': String(code), 'Content-Length': Buffer.byteLength(text) }).end(text)
}
