import { crc32 } from 'node:zlib'
import { scanRecords, type Framing, type ScannedRecords } from './record-scan.js'

/**
 * On-disk format of a spool segment (framing v2, since step 4):
 *
 *   segment = SEGMENT_HEADER record*
 *   SEGMENT_HEADER = "TLYSEG" u16le(2)                                   8 bytes
 *   record = u32le(RECORD_MAGIC) u32le(length) u32le(crc32(payload))
 *            u32le(crc32(the 12 header bytes before it)) payload       16 + length bytes
 *
 * What this guarantees a reader:
 * - Zeros or garbage never pass for a record: the magic must match, the header's own
 *   crc32 must check out (zeros fail both), `length` is at least 1 (payloads are never
 *   empty), and the payload's crc32 must check out.
 * - The header check reads 12 bytes, so looking for the next valid record after damage
 *   costs one small crc per candidate, not a payload crc.
 * - RECORD_MAGIC's first byte on disk (0xF5) never occurs in UTF-8, and payloads are
 *   UTF-8 JSON, so no event content can pose as a record header during that search.
 * - A crash can leave a torn record at the end of a segment; it was never acknowledged
 *   (the ack waits for fdatasync). Damage anywhere else is skipped up to the next
 *   record that checks out (record-scan.ts), and reported by the spool.
 *
 * Framing v1 (before step 4; segments an older collector left are still read): no
 * segment header, records `u32le(length) u32le(crc32(payload)) payload`. A v1 file
 * cannot start with SEGMENT_HEADER: read as a length that is ~1.4 GB, far above any
 * record. A v1 record of length 0 (crc32 0: what zeros look like) is invalid.
 */
export const SEGMENT_HEADER = Buffer.from([0x54, 0x4c, 0x59, 0x53, 0x45, 0x47, 0x02, 0x00])
export const RECORD_MAGIC = 0x59117af5
const V2_HEADER_BYTES = 16
const MAGIC_ON_DISK = Buffer.from([0xf5, 0x7a, 0x11, 0x59])

export function encodeRecord(payload: Buffer): Buffer {
  if (payload.length === 0) throw new RangeError('a spool record cannot be empty')
  const out = Buffer.allocUnsafe(V2_HEADER_BYTES + payload.length)
  out.writeUInt32LE(RECORD_MAGIC, 0)
  out.writeUInt32LE(payload.length, 4)
  out.writeUInt32LE(crc32(payload), 8)
  out.writeUInt32LE(crc32(out.subarray(0, 12)), 12)
  payload.copy(out, V2_HEADER_BYTES)
  return out
}

const v2: Framing = {
  headerBytes: V2_HEADER_BYTES,
  recordEnd(data, at) {
    if (at + V2_HEADER_BYTES > data.length || data.readUInt32LE(at) !== RECORD_MAGIC) return -1
    if (crc32(data.subarray(at, at + 12)) !== data.readUInt32LE(at + 12)) return -1
    const length = data.readUInt32LE(at + 4)
    const end = at + V2_HEADER_BYTES + length
    if (length === 0 || end > data.length) return -1
    return crc32(data.subarray(at + V2_HEADER_BYTES, end)) === data.readUInt32LE(at + 8) ? end : -1
  },
  nextCandidate: (data, from) => data.indexOf(MAGIC_ON_DISK, from),
}

/**
 * Every v1 payload starts with this (payload format 1, JSON.stringify's key order), and
 * quotes inside JSON strings are escaped, so no event content contains it.
 */
const V1_PAYLOAD_START = Buffer.from('{"v":1,')

const v1: Framing = {
  headerBytes: 8,
  recordEnd(data, at) {
    if (at + 8 > data.length) return -1
    const length = data.readUInt32LE(at)
    const end = at + 8 + length
    if (length === 0 || end > data.length) return -1
    return crc32(data.subarray(at + 8, end)) === data.readUInt32LE(at + 4) ? end : -1
  },
  nextCandidate(data, from) {
    const found = data.indexOf(V1_PAYLOAD_START, from + 8)
    return found < 0 ? -1 : found - 8
  },
}

export interface DecodedRecords extends ScannedRecords {
  /** The segment's framing version. */
  format: 1 | 2
}

/** Every record of a segment that checks out, and where the bytes that do not are. */
export function decodeRecords(data: Buffer): DecodedRecords {
  const head = data.subarray(0, SEGMENT_HEADER.length)
  if (head.length === SEGMENT_HEADER.length && head.equals(SEGMENT_HEADER)) {
    return { format: 2, ...scanRecords(data, SEGMENT_HEADER.length, v2) }
  }
  if (head.length < SEGMENT_HEADER.length && head.equals(SEGMENT_HEADER.subarray(0, head.length))) {
    return { format: 2, payloads: [], skipped: [], tornBytes: data.length } // a torn segment header
  }
  const asV1 = scanRecords(data, 0, v1)
  if (asV1.payloads.length > 0 || data.length === 0) return { format: 1, ...asV1 }
  // Nothing reads as v1: a v2 segment whose own header is damaged? Its records say so.
  const asV2 = scanRecords(data, 0, v2)
  return asV2.payloads.length > 0 ? { format: 2, ...asV2 } : { format: 1, ...asV1 }
}
