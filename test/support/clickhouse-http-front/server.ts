/**
 * The node:http server of the ClickHouse-HTTP test front: a TEST STAND-IN for a
 * ClickHouse server, not one Tally ships (see ../clickhouse-http-front.ts for what it
 * is and is not). Routes `/ping` and `/`, turns a request into one statement and
 * answers in ClickHouse's shape.
 */
import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { openEngine, type ChdbResult } from './engine.js'
import { authenticate, readBody, refusal, requestParameters, userOf, type FrontUsers } from './request.js'
import { asClickHouseError, sendError as sendErrorOf, sendResult, type ClickHouseErrorText } from './response.js'

export interface FrontOptions extends FrontUsers {
  /** chDB data folder (held by this process while the front runs). */
  path: string
  host?: string
  /** 0 (default): a free port. */
  port?: number
  /** When set, requests must authenticate as `user` (or `readOnlyUser`, whose statements run on a read-only session). */
  user?: string
  /** Appends `{"user","sql"}` per statement run (JSON lines), to show who sent what. */
  logPath?: string
}

export interface ClickHouseHttpFront {
  url: string
  close(): Promise<void>
}

/** Runs the front in this process (the process must not hold another chDB folder). */
export async function createClickHouseHttpFront(options: FrontOptions): Promise<ClickHouseHttpFront> {
  const engine = await openEngine(options.path)
  // A second session on the same folder, read-only for good: the one grant the front can show honestly.
  const readOnlyEngine = options.readOnlyUser !== undefined ? await openEngine(options.path, { readOnly: true }) : undefined
  const sendError = (res: ServerResponse, queryId: string, error: ClickHouseErrorText, status?: number): void =>
    sendErrorOf(res, queryId, engine.version, error, status)

  const server: Server = createServer({ maxHeaderSize: 2 * 1024 * 1024 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A failure of the front itself (not of a statement): still in ClickHouse's shape.
      if (!res.headersSent) sendError(res, randomUUID(), asClickHouseError(err))
      else res.destroy()
    })
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://front')
    const queryId = url.searchParams.get('query_id') || randomUUID()
    if (url.pathname === '/ping' || url.pathname === '/') {
      if (url.pathname === '/ping' || (req.method === 'GET' && !url.searchParams.has('query'))) {
        await readBody(req)
        res.writeHead(200, { 'Content-Type': 'text/html; charset=UTF-8' }).end('Ok.\n')
        return
      }
    } else {
      await readBody(req)
      return sendError(res, queryId, { code: 0, name: 'UNKNOWN', message: `There is no handle ${url.pathname}` }, 404)
    }
    if (req.method !== 'GET' && req.method !== 'POST') {
      return sendError(res, queryId, { code: 0, name: 'UNKNOWN', message: `Unsupported method ${req.method}` }, 405)
    }
    const body = await readBody(req)
    const denied = authenticate(req, url, options)
    if (denied) return sendError(res, queryId, denied, 403)
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      return sendError(res, queryId, { code: 48, name: 'NOT_IMPLEMENTED', message: 'multipart query parameters are not supported by the test front' })
    }

    const inUrl = url.searchParams.get('query') ?? ''
    const sql = inUrl && body.length > 0 ? `${inUrl}\n${body}` : inUrl || body
    if (sql.trim() === '') return sendError(res, queryId, { code: 62, name: 'SYNTAX_ERROR', message: 'Empty query' })

    const p = requestParameters(req, url)
    const refused = refusal(req, url, sql, p)
    if (refused) return sendError(res, queryId, refused)

    const user = options.user === undefined ? 'default' : userOf(req, url)
    if (options.logPath) appendFileSync(options.logPath, `${JSON.stringify({ user, sql })}\n`)
    const runner = readOnlyEngine && user === options.readOnlyUser ? readOnlyEngine : engine
    let result: ChdbResult
    try {
      result = await runner.run({ sql, database: p.database, settings: p.settings, params: p.params, format: p.format })
    } catch (err) {
      return sendError(res, queryId, asClickHouseError(err))
    }
    sendResult(res, queryId, result, { sql, queryInUrl: inUrl, body, format: p.format })
  }

  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => done())
  })
  const { address, port } = server.address() as AddressInfo
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done())
        server.closeAllConnections()
      })
      await readOnlyEngine?.close()
      await engine.close()
    },
  }
}
