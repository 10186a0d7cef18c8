import type { Logger } from '../logger.js'
import type { DecodedRecords } from './record.js'

/** Where the spool says what it could not read. */
export interface DamageReport {
  logger?: Logger
  /** Unreadable bytes of one segment, once per segment: `corrupt` (middle) or `torn` (tail). */
  onSkipped?: (bytes: number, segmentPath: string, kind: 'corrupt' | 'torn') => void
}

/** Logs and counts what a segment's decoding skipped; returns the damaged bytes in the middle. */
export function reportDamage(path: string, size: number, decoded: DecodedRecords, report: DamageReport): number {
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

export function damagedBytes(decoded: DecodedRecords): number {
  return decoded.skipped.reduce((n, r) => n + r.to - r.from, 0)
}
