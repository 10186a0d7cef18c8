/**
 * Writes a query's typed parameters (`{name:Type}`) into its text as typed literals,
 * for the embedded engine's read sessions (read-pool.ts).
 *
 * Why: chDB's binding sends every parameterized call through one process-wide chain
 * (its bound values are not isolated between sessions), so the dashboard's queries ran
 * one after another whatever the number of sessions, and the writer's own parameterized
 * id lookups waited behind them. A call without parameters is not chained.
 *
 * Each value becomes a literal of its declared type, checked here against that type: a
 * string is escaped (backslash first, then the quote: nothing can end the literal), a
 * date must be a real `YYYY-MM-DD`, an integer must be an integer in the type's range.
 * A type this file does not know is refused rather than guessed. The query text is our
 * own fixed SQL; a `{name:Type}` inside one of its string literals would be replaced too,
 * so the dashboard's SQL has none.
 */

export class UnbindableParamError extends Error {
  readonly code = 'ERR_UNBINDABLE_PARAM'
}

const PLACEHOLDER = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^{}]+?)\s*\}/g

/** `sql` with every `{name:Type}` replaced by the literal of `params[name]`. */
export function inlineParams(sql: string, params: Record<string, unknown>): string {
  return sql.replace(PLACEHOLDER, (_, name: string, type: string) => {
    if (!Object.hasOwn(params, name)) throw new UnbindableParamError(`no value for {${name}:${type}}`)
    return literal(name, type, params[name])
  })
}

const INTEGER_RANGES: Record<string, readonly [bigint, bigint]> = {
  UInt8: [0n, 255n],
  UInt16: [0n, 65_535n],
  UInt32: [0n, 4_294_967_295n],
  UInt64: [0n, 18_446_744_073_709_551_615n],
  Int32: [-2_147_483_648n, 2_147_483_647n],
  Int64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
}

function literal(name: string, type: string, value: unknown): string {
  const refuse = (why: string): never => {
    throw new UnbindableParamError(`{${name}:${type}}: ${why}`)
  }
  if (type === 'String') return typeof value === 'string' ? quote(value) : refuse('not a string')
  if (type === 'Array(String)') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) refuse('not an array of strings')
    // CAST keeps an empty array typed (a bare [] is Array(Nothing)).
    return `CAST([${(value as string[]).map(quote).join(', ')}] AS Array(String))`
  }
  if (type === 'Date') {
    if (typeof value !== 'string' || !isDate(value)) refuse('not a date YYYY-MM-DD')
    return `toDate('${value as string}')`
  }
  const range = Object.hasOwn(INTEGER_RANGES, type) ? INTEGER_RANGES[type] : undefined
  if (range) {
    const n = integer(value) ?? refuse('not an integer')
    if (n < range[0] || n > range[1]) refuse(`out of the range of ${type}`)
    return `to${type}(${n})`
  }
  return refuse('a type the embedded read sessions do not bind')
}

/** A ClickHouse string literal: `\` and `'` escaped, control characters spelled out. */
function quote(s: string): string {
  return `'${s.replace(/[\\']/g, '\\$&').replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`
}

function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(`${s}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

function integer(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined
  if (typeof v === 'string' && /^(0|-?[1-9]\d{0,19})$/.test(v)) return BigInt(v)
  return undefined
}
