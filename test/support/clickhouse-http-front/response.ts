/**
 * Answers of the ClickHouse-HTTP test front (see ../clickhouse-http-front.ts), in
 * ClickHouse's shape: a result with `X-ClickHouse-Summary`, or an error as
 * `Code: N. DB::Exception: … (NAME)` with `X-ClickHouse-Exception-Code`.
 */
import type { ServerResponse } from 'node:http'
import type { ChdbResult } from './engine.js'

export interface ClickHouseErrorText {
  code: number
  name: string
  message: string
  /** The engine's own text, when it already has ClickHouse's shape. */
  raw?: string
}

/** The engine's errors already read `Code: N. DB::Exception: … (NAME)`; anything else is wrapped so. */
export function asClickHouseError(err: unknown): ClickHouseErrorText {
  const message = err instanceof Error ? err.message : String(err)
  const match = /Code: (\d+)\.[\s\S]*\(([A-Z0-9_]{3,})\)/.exec(message)
  if (match) return { code: Number(match[1]), name: match[2]!, message, raw: message.trim() }
  return { code: 1001, name: 'STD_EXCEPTION', message: message.replace(/\.?\s*$/, '') }
}

export function sendError(res: ServerResponse, queryId: string, serverVersion: string, error: ClickHouseErrorText, status = 500): void {
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

/** The statement's result, with a simple summary (inserts: rows counted from the body). */
export function sendResult(
  res: ServerResponse,
  queryId: string,
  result: ChdbResult,
  request: { sql: string; queryInUrl: string; body: string; format: string },
): void {
  const { sql, queryInUrl, body, format } = request
  const out = Buffer.from(result.bytes())
  const isInsert = /^\s*insert\b/i.test(sql)
  const written = isInsert ? countRows(queryInUrl, body) : 0
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
