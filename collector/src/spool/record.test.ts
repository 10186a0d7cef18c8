import { crc32 } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SEGMENT_HEADER, decodeRecords, encodeRecord } from './record.js'

const segmentOf = (payloads: string[]) => Buffer.concat([SEGMENT_HEADER, ...payloads.map((p) => encodeRecord(Buffer.from(p)))])
const texts = (n: number) => Array.from({ length: n }, (_, i) => `{"v":1,"e":[["record-${i}"]],"r":[]}`)

describe('spool record framing v2', () => {
  it('reads back what it wrote, in order', () => {
    const decoded = decodeRecords(segmentOf(texts(5)))
    expect(decoded).toMatchObject({ format: 2, skipped: [], tornBytes: 0 })
    expect(decoded.payloads.map(String)).toEqual(texts(5))
  })

  it('never reads a zero-filled tail as records (it is a torn tail)', () => {
    const decoded = decodeRecords(Buffer.concat([segmentOf(texts(3)), Buffer.alloc(4096)]))
    expect(decoded.payloads.map(String)).toEqual(texts(3))
    expect(decoded.tornBytes).toBe(4096)
    expect(decoded.skipped).toEqual([])
  })

  it('skips garbage in the middle and keeps every record after it', () => {
    const whole = segmentOf(texts(10))
    const third = SEGMENT_HEADER.length + 2 * encodeRecord(Buffer.from(texts(1)[0]!)).length
    const garbage = Buffer.from('\x00\x00\xff garbage \xf5\x7a\x11\x59 not a header', 'latin1')
    const damaged = Buffer.concat([whole.subarray(0, third), garbage, whole.subarray(third)])
    const decoded = decodeRecords(damaged)
    expect(decoded.payloads.map(String)).toEqual(texts(10))
    expect(decoded.skipped).toEqual([{ from: third, to: third + garbage.length }])
    expect(decoded.tornBytes).toBe(0)
  })

  it('refuses a header whose own checksum does not match, even when the payload would', () => {
    const record = encodeRecord(Buffer.from('{"v":1}'))
    record.writeUInt32LE((record.readUInt32LE(12) ^ 1) >>> 0, 12)
    expect(decodeRecords(Buffer.concat([SEGMENT_HEADER, record])).payloads).toEqual([])
  })

  it('property: damage anywhere loses only the records it touches, and never invents one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.constantFrom('overwrite', 'insert', 'zeros'),
        (payloads, position, noise, mode) => {
          const records = payloads.map((p) => encodeRecord(Buffer.from(JSON.stringify({ v: 1, e: [p] }))))
          const whole = Buffer.concat([SEGMENT_HEADER, ...records])
          const from = SEGMENT_HEADER.length + (position % (whole.length - SEGMENT_HEADER.length))
          const bytes = mode === 'zeros' ? Buffer.alloc(noise.length) : Buffer.from(noise)
          const damaged =
            mode === 'insert'
              ? Buffer.concat([whole.subarray(0, from), bytes, whole.subarray(from)])
              : Buffer.concat([whole.subarray(0, from), bytes, whole.subarray(Math.min(whole.length, from + bytes.length))])
          const to = mode === 'insert' ? from : from + bytes.length
          // Records entirely outside [from, to) must all be read back.
          const untouched: string[] = []
          let at = SEGMENT_HEADER.length
          for (const [i, r] of records.entries()) {
            if (at + r.length <= from || at >= to) untouched.push(JSON.stringify({ v: 1, e: [payloads[i]] }))
            at += r.length
          }
          const read = decodeRecords(damaged).payloads.map(String)
          const written = new Set(records.map((_, i) => JSON.stringify({ v: 1, e: [payloads[i]] })))
          for (const p of read) expect(written.has(p)).toBe(true)
          expect(isSubsequence(untouched, read)).toBe(true)
        },
      ),
      { numRuns: 500 },
    )
  })
})

describe('spool record framing v1 (segments of an older collector)', () => {
  const v1Record = (payload: string) => {
    const body = Buffer.from(payload)
    const head = Buffer.alloc(8)
    head.writeUInt32LE(body.length, 0)
    head.writeUInt32LE(crc32(body), 4)
    return Buffer.concat([head, body])
  }

  it('treats a zero-length record (what zeros look like) as no record', () => {
    const decoded = decodeRecords(Buffer.concat([v1Record(texts(1)[0]!), Buffer.alloc(64)]))
    expect(decoded.format).toBe(1)
    expect(decoded.payloads.map(String)).toEqual(texts(1))
    expect(decoded.tornBytes).toBe(64)
  })

  it('resynchronises after damage in the middle', () => {
    const [a, b, c] = texts(3).map(v1Record)
    const decoded = decodeRecords(Buffer.concat([a!, Buffer.from('##########'), b!, c!]))
    expect(decoded.payloads.map(String)).toEqual(texts(3))
    expect(decoded.skipped).toEqual([{ from: a!.length, to: a!.length + 10 }])
  })
})


/** True when `part` appears in `whole` in order (other items may sit between). */
function isSubsequence(part: string[], whole: string[]): boolean {
  let i = 0
  for (const item of whole) if (item === part[i]) i++
  return i === part.length
}
