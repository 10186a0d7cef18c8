import { crc32 } from 'node:zlib'

/**
 * On-disk record framing: [u32 length][u32 crc32(payload)][payload]. A crash can
 * leave a torn record at the end of a segment; it was never acknowledged (the ack
 * waits for fsync), so readers stop at the first record that does not check out.
 */
const HEADER = 8

export function encodeRecord(payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length)
  out.writeUInt32LE(payload.length, 0)
  out.writeUInt32LE(crc32(payload), 4)
  payload.copy(out, HEADER)
  return out
}

export interface DecodedRecords {
  payloads: Buffer[]
  /** Bytes after the last good record (a torn tail), 0 when the file is whole. */
  tornBytes: number
}

export function decodeRecords(data: Buffer): DecodedRecords {
  const payloads: Buffer[] = []
  let at = 0
  while (at + HEADER <= data.length) {
    const length = data.readUInt32LE(at)
    const end = at + HEADER + length
    if (end > data.length) break
    const payload = data.subarray(at + HEADER, end)
    if (crc32(payload) !== data.readUInt32LE(at + 4)) break
    payloads.push(payload)
    at = end
  }
  return { payloads, tornBytes: data.length - at }
}
