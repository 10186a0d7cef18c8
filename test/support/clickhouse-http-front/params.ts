/**
 * Query parameters for chDB's binder (part of the ClickHouse-HTTP test front; see
 * ../clickhouse-http-front.ts).
 *
 * `param_<name>` values arrive in ClickHouse's text form for parameters (what the
 * client's `formatQueryParams` makes). chDB's `queryBindAsync` takes JS values and
 * formats them itself (a string is TSV-escaped again), so hand it values that format
 * back to the same text: a scalar is TSV-unescaped; a composite (Array, Map, Tuple)
 * passes through as text when it has no backslash (re-escaping changes nothing), and is
 * parsed into JS values when it has one.
 */
export function bindParams(sql: string, params: Record<string, string>): Record<string, unknown> | undefined {
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
