/** A damaged region: bytes that are no record, followed by a record that checks out. */
export interface SkippedRange {
  from: number
  to: number
}

export interface ScannedRecords {
  payloads: Buffer[]
  /** Damage in the middle: each range ends where a valid record starts again. */
  skipped: SkippedRange[]
  /** Bytes after the last good record with no good record after them (a torn tail). */
  tornBytes: number
}

/** How one framing version reads: the scanner itself knows no format. */
export interface Framing {
  headerBytes: number
  /** The end of the record at `at` when it checks out (header and payload), else -1. */
  recordEnd(data: Buffer, at: number): number
  /** The next offset at or after `from` where a record may start, else -1. Cheap. */
  nextCandidate(data: Buffer, from: number): number
}

/**
 * Reads records from `start` to the end. After a record that does not check out, it
 * looks for the next one that does (resynchronisation) and reports the bytes in between;
 * bytes with no valid record after them are the torn tail.
 */
export function scanRecords(data: Buffer, start: number, framing: Framing): ScannedRecords {
  const payloads: Buffer[] = []
  const skipped: SkippedRange[] = []
  let at = start
  while (at < data.length) {
    const end = framing.recordEnd(data, at)
    if (end >= 0) {
      payloads.push(data.subarray(at + framing.headerBytes, end))
      at = end
      continue
    }
    const next = resync(data, at + 1, framing)
    if (next < 0) return { payloads, skipped, tornBytes: data.length - at }
    skipped.push({ from: at, to: next })
    at = next
  }
  return { payloads, skipped, tornBytes: 0 }
}

function resync(data: Buffer, from: number, framing: Framing): number {
  for (let at = framing.nextCandidate(data, from); at >= 0; at = framing.nextCandidate(data, at + 1)) {
    if (framing.recordEnd(data, at) >= 0) return at
  }
  return -1
}
