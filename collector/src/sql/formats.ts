import { SqlError } from './sql-error.js'

/** Output formats a caller may ask for (body `format`); a FORMAT clause in the query wins over it. */
export const SQL_FORMATS = {
  /** `{"rows":[{…},…]}`, the historical shape (the dashboard and scripts read it). */
  json: { engine: 'JSONEachRow', contentType: 'application/json; charset=utf-8', wrapRows: true },
  /** One JSON object per line (ClickHouse JSONEachRow). */
  jsonl: { engine: 'JSONEachRow', contentType: 'application/x-ndjson; charset=utf-8', wrapRows: false },
  /** With a header line of column names (CSVWithNames). */
  csv: { engine: 'CSVWithNames', contentType: 'text/csv; charset=utf-8', wrapRows: false },
  /** With a header line of column names (TSVWithNames). */
  tsv: { engine: 'TSVWithNames', contentType: 'text/tab-separated-values; charset=utf-8', wrapRows: false },
} as const
export type SqlFormat = keyof typeof SQL_FORMATS
export const SQL_FORMAT_NAMES = Object.keys(SQL_FORMATS) as [SqlFormat, ...SqlFormat[]]

const NEWLINE = 0x0a
const encoder = new TextEncoder()
const COMMA = encoder.encode(',')
const OPEN = encoder.encode('{"rows":[')
const CLOSE = encoder.encode(']}')

/**
 * JSONEachRow bytes → `{"rows":[…]}`, as they stream. JSON escapes newlines inside
 * values, so a raw newline always ends a row; a row split across chunks is carried over.
 * Nothing is yielded before the engine's first rows, so an early error is still a 4xx.
 */
export async function* wrapRows(lines: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let carry: Uint8Array = new Uint8Array(0)
  let first = true
  for await (const chunk of lines) {
    const bytes = carry.length > 0 ? concat(carry, chunk) : chunk
    const parts: Uint8Array[] = []
    let start = 0
    for (let end = bytes.indexOf(NEWLINE); end >= 0; start = end + 1, end = bytes.indexOf(NEWLINE, start)) {
      if (end === start) continue // an empty line is no row
      parts.push(first ? OPEN : COMMA)
      parts.push(bytes.subarray(start, end))
      first = false
    }
    carry = bytes.slice(start)
    if (parts.length > 0) yield concat(...parts)
  }
  if (carry.length > 0) yield concat(first ? OPEN : COMMA, carry, CLOSE)
  else yield first ? concat(OPEN, CLOSE) : CLOSE
}

/** Ends the stream with ERR_QUERY_LIMIT once more than `maxBytes` would be sent. */
export async function* capBytes(chunks: AsyncIterable<Uint8Array>, maxBytes: number): AsyncIterable<Uint8Array> {
  let sent = 0
  for await (const chunk of chunks) {
    sent += chunk.length
    if (sent > maxBytes) throw new SqlError('ERR_QUERY_LIMIT', `the result is over ${maxBytes} bytes (sql.maxResultBytes)`)
    yield chunk
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts)
}
