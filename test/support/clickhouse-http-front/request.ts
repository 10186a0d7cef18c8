/**
 * Reading a request to the ClickHouse-HTTP test front (see ../clickhouse-http-front.ts):
 * its body, who sends it, and what its URL parameters ask for.
 */
import type { IncomingMessage } from 'node:http'
import { gunzipSync, inflateSync } from 'node:zlib'
import type { ClickHouseErrorText } from './response.js'

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
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

/** The body as text, gzip/deflate decoded; throws over 256 MB. */
export async function readBody(req: IncomingMessage): Promise<string> {
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

/** The users the front knows: the main one, and an optional read-only one. */
export interface FrontUsers {
  user?: string
  password?: string
  readOnlyUser?: string
  readOnlyPassword?: string
}

/** An error when the front has users and the request does not authenticate as one of them. */
export function authenticate(req: IncomingMessage, url: URL, expected: FrontUsers): ClickHouseErrorText | undefined {
  if (expected.user === undefined) return undefined
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
  if (user === expected.user && password === (expected.password ?? '')) return undefined
  if (expected.readOnlyUser !== undefined && user === expected.readOnlyUser && password === (expected.readOnlyPassword ?? '')) return undefined
  return { code: 516, name: 'AUTHENTICATION_FAILED', message: `${user}: Authentication failed: password is incorrect, or there is no user with such name` }
}

/** What the URL parameters ask for besides the statement. */
export interface RequestParameters {
  /** `param_<name>` values, by name. */
  params: Record<string, string>
  /** Settings to apply for this request only (HTTP-only ones left out). */
  settings: [string, string][]
  /** > 0: only read-only statements (GET requests are read-only). */
  readonly: number
  database: string | null
  format: string
}

export function requestParameters(req: IncomingMessage, url: URL): RequestParameters {
  const params: Record<string, string> = {}
  const settings: [string, string][] = []
  let readonly = req.method === 'GET' ? 1 : 0
  for (const [key, value] of url.searchParams) {
    if (key.startsWith('param_')) params[key.slice('param_'.length)] = value
    else if (key === 'readonly') readonly = Math.max(readonly, Number(value) || 0)
    else if (!NOT_SETTINGS.has(key) && !HTTP_ONLY_SETTINGS.has(key)) settings.push([key, value])
  }
  const database = url.searchParams.get('database')
  const format = url.searchParams.get('default_format') || 'TabSeparated'
  return { params, settings, readonly, database, format }
}

/** An error when the statement may not run as asked: readonly, then setting names, then the database name. */
export function refusal(req: IncomingMessage, url: URL, sql: string, p: RequestParameters): ClickHouseErrorText | undefined {
  if (p.readonly > 0 && !READ_ONLY_STATEMENT.test(sql)) {
    return { code: 164, name: 'READONLY', message: `${userOf(req, url)}: Cannot execute query in readonly mode` }
  }
  for (const [key] of p.settings) {
    if (!IDENTIFIER.test(key)) return { code: 115, name: 'UNKNOWN_SETTING', message: `Unknown setting '${key}'` }
  }
  if (p.database !== null && !IDENTIFIER.test(p.database)) {
    return { code: 81, name: 'UNKNOWN_DATABASE', message: `Database ${p.database} does not exist` }
  }
  return undefined
}

/** Who the request says it is (after `authenticate`, who it is). */
export function userOf(req: IncomingMessage, url: URL): string {
  const auth = req.headers.authorization
  if (auth?.startsWith('Basic ')) return Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':')[0] ?? 'default'
  return String(req.headers['x-clickhouse-user'] ?? url.searchParams.get('user') ?? 'default')
}
