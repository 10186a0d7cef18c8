import { describe, expect, it } from 'vitest'
import { inlineParams, UnbindableParamError } from './inline-params.js'

describe('inlineParams', () => {
  it('writes each value as a literal of its declared type', () => {
    const sql = 'SELECT {s:String}, {a:Array(String)}, {d:Date}, {n:UInt32}, {h:UInt8}, {t:Int64}, {e:Array(String)}'
    expect(inlineParams(sql, { s: 'x', a: ['p', 'q'], d: '2026-12-01', n: 7, h: 1, t: -5n, e: [] })).toBe(
      "SELECT 'x', CAST(['p', 'q'] AS Array(String)), toDate('2026-12-01'), toUInt32(7), toUInt8(1), toInt64(-5), CAST([] AS Array(String))",
    )
  })

  it('escapes what could end a string literal, and spells out control characters', () => {
    expect(inlineParams('{s:String}', { s: "a'b\\c" })).toBe("'a\\'b\\\\c'")
    expect(inlineParams('{s:String}', { s: "\\'; DROP TABLE x; --" })).toBe("'\\\\\\'; DROP TABLE x; --'")
    expect(inlineParams('{s:String}', { s: 'a\nb\u0000c\u007f' })).toBe("'a\\x0ab\\x00c\\x7f'")
  })

  it('reads a placeholder with spaces, as ClickHouse does', () => {
    expect(inlineParams('{ n : UInt8 }', { n: 3 })).toBe('toUInt8(3)')
  })

  it('does not read a placeholder inside a value', () => {
    expect(inlineParams('{a:String} {b:String}', { a: '{b:String}', b: 'y' })).toBe("'{b:String}' 'y'")
  })

  it.each([
    ['a missing value', '{s:String}', {}],
    ['a number for a string', '{s:String}', { s: 1 }],
    ['a non-string element', '{a:Array(String)}', { a: ['x', 2] }],
    ['a date that does not exist', '{d:Date}', { d: '2026-02-30' }],
    ['a date with more after it', '{d:Date}', { d: "2026-01-01') OR (1" }],
    ['a fraction', '{n:UInt32}', { n: 1.5 }],
    ['a negative unsigned', '{n:UInt32}', { n: -1 }],
    ['past the type\'s range', '{h:UInt8}', { h: 256 }],
    ['a boolean for an integer', '{h:UInt8}', { h: true }],
    ['an integer text with more after it', '{n:UInt64}', { n: '1 OR 1' }],
    ['a type it does not bind', '{x:Float64}', { x: 1 }],
    ['a type named like an object\'s own property', '{x:constructor}', { x: 1 }],
    ['an integer text with a leading zero', '{n:UInt32}', { n: '007' }],
  ])('refuses %s', (_, sql, params) => {
    expect(() => inlineParams(sql, params)).toThrow(UnbindableParamError)
  })

  it('takes only own values (not a prototype\'s)', () => {
    expect(() => inlineParams('{toString:String}', {})).toThrow(UnbindableParamError)
  })
})
