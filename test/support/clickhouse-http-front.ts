/**
 * A TEST STAND-IN FOR A CLICKHOUSE SERVER. Not a server Tally ships, supports or
 * recommends: it exists only so the collector's server mode (`CLICKHOUSE_URL`) can be
 * tested over real HTTP on machines where no ClickHouse server new enough for our
 * schema can be installed (Debian's clickhouse-server is 18.16; see DESIGN.md).
 *
 * What it is: the real ClickHouse engine (chDB, the same 26.x engine as the embedded
 * mode) behind a minimal node:http front that speaks the subset of ClickHouse's HTTP
 * interface that `@clickhouse/client` 1.23 uses:
 * - `GET /ping` → `Ok.\n`;
 * - `POST /?query=…` with the body appended to the query (inserts: `INSERT … FORMAT
 *   JSONEachRow` in the URL, rows in the body), or the whole statement in the body;
 *   `GET /?query=…` (read-only, as on a server);
 * - `param_<name>` query parameters for `{name:Type}` placeholders;
 * - settings as URL parameters: HTTP-only ones are ignored, `readonly` is enforced here
 *   (a statement check), the rest are `SET` for the one request and reset afterwards;
 * - `database`, `default_format`, `query_id`; gzip/deflate request bodies;
 * - basic auth, `X-ClickHouse-User`/`X-ClickHouse-Key` or `user`/`password` parameters,
 *   checked when the front was given a user and password;
 * - errors as HTTP 500 (403 for authentication) with ClickHouse's text
 *   (`Code: N. DB::Exception: … (NAME)`) and `X-ClickHouse-Exception-Code`, so the
 *   client raises `ClickHouseError`; a simple `X-ClickHouse-Summary` on success.
 * What it is not: no sessions (`session_id` is ignored), no multipart parameters, no
 * response compression, no progress headers, no concurrency (statements run one at a
 * time, so per-request settings cannot leak between requests), no TLS, no users or
 * grants beyond one optional user/password pair.
 *
 * chDB holds one data folder per process, so the front runs as its own child process
 * (`startClickHouseHttpFront`, entry `clickhouse-http-front-main.ts`); importing this
 * module does not load chDB.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, inflateSync } from 'node:zlib'

export interface FrontOptions {
  /** chDB data folder (held by this process while the front runs). */
  path: string
  host?: string
  /** 0 (default): a free port. */
  port?: number
  /** When set, requests must authenticate as this user with `password`. */
  user?: string
  password?: string
}

export interface ClickHouseHttpFront {
  url: string
  close(): Promise<void>
}

/** What chDB's Session offers (typed here so this module needs no chDB import). */
interface ChdbResult {
  elapsed: number
  rowsRead: number
  bytesRead: number
  bytes(): Uint8Array
}
interface ChdbSession {
  queryAsync(query: string, opts?: { format?: string }): Promise<ChdbResult>
  queryBindAsync(query: string, params: object, opts?: { format?: string }): Promise<ChdbResult>
  close(): void
}

/** URL parameters that are not settings. */
const NOT_SETTINGS = new Set([
  'query', 'query_id', 'database', 'default_format', 'session_id', 'session_timeout', 'session_check',
  'user', 'password', 'quota_key', 'role', 'compress', 'decompress', 'buffer_size', 'stacktrace',
  'client_protocol_version', 'wait_end_of_query',
])
/** Settings that belong to the HTTP layer of a server; the embedded engine has no use for them. */
const HTTP_ONLY_SETTINGS = new Set([
  'send_progress_in_http_headers', 'http_response_buffer_size', 'http_headers_progress_interval_ms',
  'http_send_progress_interval_ms', 'enable_http_compression', 'http_zlib_compression_level',
  'http_response_compression_method', 'http_native_compression_disable_checksumming_on_decompress',
  'http_wait_end_of_query', 'cancel_http_readonly_queries_on_client_close', 'add_http_cors_header',
])
/** Statements a `readonly` request may run. */
const READ_ONLY_STATEMENT = /^\s*(?:\(\s*)*(select|with|show|describe|desc|explain|exists)\b/i
const MAX_BODY_BYTES = 256 * 1024 * 1024

/** Runs the front in this process (the process must not hold another chDB folder). */
export async function createClickHouseHttpFront(options: FrontOptions): Promise<ClickHouseHttpFront> {
  // createRequire: chdb is CommonJS with a native addon; loaded only here.
  const { createRequire } = await import('node:module')
  const require = createRequire(import.meta.url)
  const { Session } = require('chdb') as { Session: new (path: string) => ChdbSession }
  const session = new Session(resolve(options.path))
  const version = (await session.queryAsync('SELECT version()', { format: 'TabSeparated' })).bytes()
  const serverVersion = Buffer.from(version).toString('utf8').trim()

  // One statement at a time: settings and `USE` are per session in chDB.
  let chain: Promise<unknown> = Promise.resolve()
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn)
    chain = run.catch(() => undefined)
    return run
  }

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
    const denied = authenticate(req, url)
    if (denied) return sendError(res, queryId, denied, 403)
    if ((req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      return sendError(res, queryId, { code: 48, name: 'NOT_IMPLEMENTED', message: 'multipart query parameters are not supported by the test front' })
    }

    const inUrl = url.searchParams.get('query') ?? ''
    const sql = inUrl && body.length > 0 ? `${inUrl}\n${body}` : inUrl || body
    if (sql.trim() === '') return sendError(res, queryId, { code: 62, name: 'SYNTAX_ERROR', message: 'Empty query' })

    const params: Record<string, string> = {}
    const settings: [string, string][] = []
    let readonly = req.method === 'GET' ? 1 : 0
    for (const [key, value] of url.searchParams) {
      if (key.startsWith('param_')) params[key.slice('param_'.length)] = value
      else if (key === 'readonly') readonly = Math.max(readonly, Number(value) || 0)
      else if (!NOT_SETTINGS.has(key) && !HTTP_ONLY_SETTINGS.has(key)) settings.push([key, value])
    }
    if (readonly > 0 && !READ_ONLY_STATEMENT.test(sql)) {
      return sendError(res, queryId, { code: 164, name: 'READONLY', message: `${userOf(req, url)}: Cannot execute query in readonly mode` })
    }
    const database = url.searchParams.get('database')
    const format = url.searchParams.get('default_format') || 'TabSeparated'
    for (const [key] of settings) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return sendError(res, queryId, { code: 115, name: 'UNKNOWN_SETTING', message: `Unknown setting '${key}'` })
    }
    if (database !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
      return sendError(res, queryId, { code: 81, name: 'UNKNOWN_DATABASE', message: `Database ${database} does not exist` })
    }

    let result: ChdbResult
    try {
      result = await exclusive(async () => {
        const applied: string[] = []
        try {
          if (database) await session.queryAsync(`USE ${database}`)
          for (const [key, value] of settings) {
            applied.push(key)
            await session.queryAsync(`SET ${key} = ${settingLiteral(value)}`)
          }
          const bound = bindParams(sql, params)
          return bound ? await session.queryBindAsync(sql, bound, { format }) : await session.queryAsync(sql, { format })
        } finally {
          for (const key of applied) await session.queryAsync(`SET ${key} = DEFAULT`).catch(() => undefined)
          if (database) await session.queryAsync('USE default').catch(() => undefined)
        }
      })
    } catch (err) {
      return sendError(res, queryId, asClickHouseError(err))
    }
    const out = Buffer.from(result.bytes())
    const isInsert = /^\s*insert\b/i.test(sql)
    const written = isInsert ? countRows(inUrl, body) : 0
    const summary = {
      read_rows: String(isInsert ? written : result.rowsRead),
      read_bytes: String(isInsert ? Buffer.byteLength(body) : result.bytesRead),
      written_rows: String(written),
      written_bytes: String(isInsert ? Buffer.byteLength(body) : 0),
      total_rows_to_read: '0',
      result_rows: String(isInsert ? 0 : result.rowsRead),
      result_bytes: String(out.length),
      elapsed_ns: String(Math.round(result.elapsed * 1e9)),
    }
    const outFormat = /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i.exec(isInsert ? '' : sql)?.[1] ?? format
    res.writeHead(200, {
      'Content-Type': contentType(outFormat),
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Format': outFormat,
      'X-ClickHouse-Timezone': 'UTC',
      'X-ClickHouse-Server-Display-Name': 'tally-test-front',
      'X-ClickHouse-Summary': JSON.stringify(summary),
      'Content-Length': out.length,
    })
    res.end(out)
  }

  function authenticate(req: IncomingMessage, url: URL): ClickHouseErrorText | undefined {
    if (options.user === undefined) return undefined
    let user = 'default'
    let password = ''
    const auth = req.headers.authorization
    if (auth?.startsWith('Basic ')) {
      const decoded = Buffer.from(auth.slice(6), 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      user = colon < 0 ? decoded : decoded.slice(0, colon)
      password = colon < 0 ? '' : decoded.slice(colon + 1)
    } else if (req.headers['x-clickhouse-user'] !== undefined) {
      user = String(req.headers['x-clickhouse-user'])
      password = String(req.headers['x-clickhouse-key'] ?? '')
    } else if (url.searchParams.has('user')) {
      user = url.searchParams.get('user') ?? 'default'
      password = url.searchParams.get('password') ?? ''
    }
    if (user === options.user && password === (options.password ?? '')) return undefined
    return { code: 516, name: 'AUTHENTICATION_FAILED', message: `${user}: Authentication failed: password is incorrect, or there is no user with such name` }
  }

  function userOf(req: IncomingMessage, url: URL): string {
    const auth = req.headers.authorization
    if (auth?.startsWith('Basic ')) return Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0] ?? 'default'
    return String(req.headers['x-clickhouse-user'] ?? url.searchParams.get('user') ?? 'default')
  }

  function sendError(res: ServerResponse, queryId: string, error: ClickHouseErrorText, status = 500): void {
    const text = error.raw ?? `Code: ${error.code}. DB::Exception: ${error.message}. (${error.name}) (version ${serverVersion} (tally test front))`
    const body = `${text}\n`
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(error.code),
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Server-Display-Name': 'tally-test-front',
      'Content-Length': Buffer.byteLength(body),
    })
    res.end(body)
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
      await chain.catch(() => undefined)
      session.close()
    },
  }
}

interface ClickHouseErrorText {
  code: number
  name: string
  message: string
  /** The engine's own text, when it already has ClickHouse's shape. */
  raw?: string
}

/** The engine's errors already read `Code: N. DB::Exception: … (NAME)`; anything else is wrapped so. */
function asClickHouseError(err: unknown): ClickHouseErrorText {
  const message = err instanceof Error ? err.message : String(err)
  const match = /Code: (\d+)\.[\s\S]*\(([A-Z0-9_]{3,})\)/.exec(message)
  if (match) return { code: Number(match[1]), name: match[2]!, message, raw: message.trim() }
  return { code: 1001, name: 'STD_EXCEPTION', message: message.replace(/\.?\s*$/, '') }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  let raw = Buffer.concat(chunks)
  const encoding = String(req.headers['content-encoding'] ?? '').toLowerCase()
  if (encoding === 'gzip') raw = gunzipSync(raw)
  else if (encoding === 'deflate') raw = inflateSync(raw)
  else if (encoding !== '' && encoding !== 'identity') throw new Error(`Unsupported Content-Encoding: ${encoding}`)
  return raw.toString('utf8')
}

/** A setting's value as SQL: numbers bare, everything else a string literal. */
function settingLiteral(value: string): string {
  if (/^-?\d+(\.\d+)?$/.test(value)) return value
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** Rows of a line-delimited insert body (for the summary header); 0 when not simple to tell. */
function countRows(queryInUrl: string, body: string): number {
  if (!/\bFORMAT\s+(JSONEachRow|JSONCompactEachRow|TabSeparated|TSV|CSV|JSONStringsEachRow)\s*$/i.test(queryInUrl)) return 0
  let n = 0
  for (const line of body.split('\n')) if (line.trim() !== '') n++
  return n
}

function contentType(format: string): string {
  if (/^JSON(EachRow|StringsEachRow|CompactEachRow)/i.test(format)) return 'application/x-ndjson; charset=UTF-8'
  if (/^JSON/i.test(format)) return 'application/json; charset=UTF-8'
  if (/^(TabSeparated|TSV)/i.test(format)) return 'text/tab-separated-values; charset=UTF-8'
  if (/^CSV/i.test(format)) return 'text/csv; charset=UTF-8; header=absent'
  return 'text/plain; charset=UTF-8'
}

/**
 * `param_<name>` values arrive in ClickHouse's text form for parameters (what the
 * client's `formatQueryParams` makes). chDB's `queryBindAsync` takes JS values and
 * formats them itself (a string is TSV-escaped again), so hand it values that format
 * back to the same text: a scalar is TSV-unescaped; a composite (Array, Map, Tuple)
 * passes through as text when it has no backslash (re-escaping changes nothing), and is
 * parsed into JS values when it has one.
 */
function bindParams(sql: string, params: Record<string, string>): Record<string, unknown> | undefined {
  const names = Object.keys(params)
  if (names.length === 0) return undefined
  const types = new Map<string, string>()
  for (const m of sql.matchAll(/\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g)) types.set(m[1]!, m[2]!)
  const out: Record<string, unknown> = {}
  for (const name of names) {
    const text = params[name]!
    const composite = /^(Array|Map|Tuple)\s*\(/i.test(types.get(name) ?? '')
    if (text === '\\N') out[name] = null
    else if (!composite) out[name] = tsvUnescape(text)
    else if (!text.includes('\\')) out[name] = text
    else out[name] = new LiteralParser(text).parseWhole()
  }
  return out
}

const ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '0': '\0', a: '\x07', v: '\v', e: '\x1b' }

function tsvUnescape(text: string): string {
  return text.replace(/\\(x[0-9A-Fa-f]{2}|[\s\S])/g, (_, c: string) =>
    c.length === 3 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (ESCAPES[c] ?? c),
  )
}

/** Shaped like @clickhouse/client's TupleParam, which chDB's binder recognises by name. */
class TupleParam {
  constructor(readonly values: unknown[]) {}
}

/** Parses a composite parameter literal (`['a\'b',NULL]`, `{'k':1}`, `(1,'x')`) into JS values. */
class LiteralParser {
  private i = 0
  constructor(private readonly s: string) {}

  parseWhole(): unknown {
    const value = this.value()
    this.ws()
    if (this.i !== this.s.length) throw this.fail('unexpected text after the value')
    return value
  }

  private value(): unknown {
    this.ws()
    const c = this.s[this.i]
    if (c === '[') return this.list('[', ']')
    if (c === '(') return new TupleParam(this.list('(', ')'))
    if (c === '{') return this.map()
    if (c === "'") return this.string()
    const m = /^[^,\]\)}:\s]+/.exec(this.s.slice(this.i))
    if (!m) throw this.fail('expected a value')
    this.i += m[0].length
    const token = m[0]
    if (/^null$/i.test(token)) return null
    if (/^true$/i.test(token)) return true
    if (/^false$/i.test(token)) return false
    if (/^-?\d+$/.test(token)) return Number.isSafeInteger(Number(token)) ? Number(token) : BigInt(token)
    const n = Number(token)
    if (Number.isFinite(n)) return n
    throw this.fail(`cannot bind ${token}`)
  }

  private list(open: string, close: string): unknown[] {
    this.expect(open)
    const items: unknown[] = []
    this.ws()
    if (this.s[this.i] === close) {
      this.i++
      return items
    }
    for (;;) {
      items.push(this.value())
      this.ws()
      if (this.s[this.i] === ',') this.i++
      else return this.expect(close), items
    }
  }

  private map(): Map<unknown, unknown> {
    this.expect('{')
    const map = new Map<unknown, unknown>()
    this.ws()
    if (this.s[this.i] === '}') {
      this.i++
      return map
    }
    for (;;) {
      const key = this.value()
      this.ws()
      this.expect(':')
      map.set(key, this.value())
      this.ws()
      if (this.s[this.i] === ',') this.i++
      else return this.expect('}'), map
    }
  }

  private string(): string {
    this.expect("'")
    let out = ''
    while (this.i < this.s.length) {
      const c = this.s[this.i++]!
      if (c === '\\') {
        const hex = /^x[0-9A-Fa-f]{2}/.exec(this.s.slice(this.i))
        if (hex) {
          out += String.fromCharCode(parseInt(hex[0].slice(1), 16))
          this.i += 3
        } else {
          const e = this.s[this.i++] ?? ''
          out += ESCAPES[e] ?? e
        }
      } else if (c === "'") {
        if (this.s[this.i] !== "'") return out
        out += "'"
        this.i++
      } else out += c
    }
    throw this.fail('unterminated string')
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) throw this.fail(`expected ${c}`)
    this.i++
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++
  }

  private fail(what: string): Error {
    return new Error(`Code: 26. DB::Exception: Cannot parse query parameter at position ${this.i}: ${what}. (CANNOT_PARSE_QUOTED_STRING)`)
  }
}

// ---------------------------------------------------------------------------
// The front as a child process (what tests use).

const MAIN = join(fileURLToPath(import.meta.url), '..', 'clickhouse-http-front-main.ts')
const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')

export interface FrontProcess {
  url: string
  pid: number
  /** What the child wrote (for failing tests). */
  readonly output: string
  /** SIGTERM; resolves when the child has exited. */
  stop(): Promise<void>
  /** SIGKILL; resolves when the child has exited. */
  kill9(): Promise<void>
}

/** Starts the front in a child process on 127.0.0.1 (by PID; stop it with `stop()`). */
export async function startClickHouseHttpFront(options: { dataDir: string; user?: string; password?: string; port?: number }): Promise<FrontProcess> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), TALLY_FRONT_PATH: options.dataDir, TALLY_FRONT_PORT: String(options.port ?? 0) }
  if (options.user !== undefined) env.TALLY_FRONT_USER = options.user
  if (options.password !== undefined) env.TALLY_FRONT_PASSWORD = options.password
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)))
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail(new Error(`ClickHouse HTTP front did not start in 30 s:\n${output}`))
    }, 30_000)
    let buffer = ''
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString()
      output = (output + d.toString()).slice(-20_000)
      const m = /"listening":"([^"]+)"/.exec(buffer)
      if (m) {
        clearTimeout(timer)
        done(m[1]!)
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      fail(new Error(`ClickHouse HTTP front exited (${code ?? signal}) before listening:\n${output}`))
    })
  })
  const exited = new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) done()
    else child.once('exit', () => done())
  })
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, sig)
    await exited
  }
  return {
    url,
    pid: child.pid!,
    get output() {
      return output
    },
    stop: () => signal('SIGTERM'),
    kill9: () => signal('SIGKILL'),
  }
}
