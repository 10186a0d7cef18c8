import { readFile } from 'node:fs/promises'
import type { Logger } from '../logger.js'
import { decodeRecords, type DecodedRecords } from './record.js'

/** What a segment holds: every record that checks out, and how many bytes did not. */
export interface SegmentRecords {
  payloads: Buffer[]
  /** Damaged bytes in the middle (the spool quarantines the segment, not deletes it). */
  skippedBytes: number
  /** A torn record at the very end: a write that was never acknowledged. */
  tornBytes: number
  /** Where the last record that checks out ends. */
  goodEnd: number
}

/** Where the spool says what it could not read. */
export interface DamageReport {
  logger?: Logger
  /** Unreadable bytes of one segment, once per segment: `corrupt` (middle) or `torn` (tail). */
  onSkipped?: (bytes: number, segmentPath: string, kind: 'corrupt' | 'torn') => void
}

/** Reads and decodes a segment file; what does not read as records goes to `report`. */
export async function readSegmentRecords(path: string, report: DamageReport): Promise<SegmentRecords> {
  const data = await readFile(path)
  const decoded = decodeRecords(data)
  const skippedBytes = reportDamage(path, data.length, decoded, report)
  return { payloads: decoded.payloads, skippedBytes, tornBytes: decoded.tornBytes, goodEnd: data.length - decoded.tornBytes }
}

function reportDamage(path: string, size: number, decoded: DecodedRecords, report: DamageReport): number {
  const { logger, onSkipped } = report
  const skippedBytes = damagedBytes(decoded)
  if (skippedBytes > 0) {
    const ranges = decoded.skipped.slice(0, 10).map((r) => `${r.from}-${r.to}`)
    logger?.warn('spool segment damaged: unreadable bytes skipped, the records after them kept', {
      segment: path,
      skipped_bytes: skippedBytes,
      ranges,
      records_read: decoded.payloads.length,
    })
    onSkipped?.(skippedBytes, path, 'corrupt')
  }
  if (decoded.tornBytes > 0) {
    logger?.warn('spool segment ends in a torn record (a write that was never acknowledged)', {
      segment: path,
      from_offset: size - decoded.tornBytes,
      bytes: decoded.tornBytes,
    })
    onSkipped?.(decoded.tornBytes, path, 'torn')
  }
  return skippedBytes
}

function damagedBytes(decoded: DecodedRecords): number {
  return decoded.skipped.reduce((n, r) => n + r.to - r.from, 0)
}
