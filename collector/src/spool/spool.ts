import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { SEGMENT_HEADER, encodeRecord } from './record.js'
import { SpoolClosedError, SpoolFullError, retryAfterSeconds, writeFailure } from './errors.js'
import { createSegmentFile, cutBack, openSegmentFile, quarantine, writeFully, type OpenSegmentFile, type SegmentFile } from './segment-file.js'
import { readSegmentRecords, type DamageReport, type SegmentRecords } from './read-segment.js'

/** A sealed segment file, ready for the writer. */
export interface Segment {
  seq: number
  path: string
  bytes: number
  createdAt: number
  /** Sealed by this process: its first `bytes` bytes were all acknowledged. */
  committed?: boolean
}

/** `logger` hears of damage, failed writes and quarantines; `onSkipped` counts bytes. */
export interface SpoolOptions extends DamageReport {
  dir: string
  /** Bytes on disk before appends are refused with SpoolFullError. */
  maxBytes: number
  /** The active segment is sealed once it reaches this size. */
  segmentBytes: number
  /** Opens a new segment file; tests inject short writes and disk errors here. */
  openFile?: OpenSegmentFile
}

interface Pending {
  data: Buffer
  resolve: () => void
  reject: (err: unknown) => void
}

const SEGMENT_NAME = /^(\d{12})\.seg$/
const segmentName = (seq: number) => `${String(seq).padStart(12, '0')}.seg`

/**
 * The write-ahead log between `202 Accepted` and ClickHouse. Appends are grouped:
 * every request waiting while one fsync runs shares the next write + fsync, so the
 * cost of durability is per round, not per request. A round is all or nothing: if its
 * write or fdatasync fails, the file is cut back to its last committed length and every
 * append of the round is refused. The writer reads sealed segments and removes them
 * once ClickHouse has their rows; a damaged one is kept in `corrupt/`.
 */
export class Spool {
  private readonly sealed: Segment[] = []
  private active: { seq: number; path: string; file: SegmentFile; bytes: number; createdAt: number } | undefined
  private nextSeq: number
  private queued: Pending[] = []
  private queuedBytes = 0
  private roundScheduled = false
  /** Serialises commit rounds and seals: one file operation at a time. */
  private chain: Promise<void> = Promise.resolve()
  private closed = false
  /** Damaged bytes per segment read so far: reported once, quarantined on remove. */
  private readonly checked = new Map<number, number>()
  /** Write + fsync rounds so far: far fewer than appends when requests arrive together. */
  commitRounds = 0

  constructor(private readonly opts: SpoolOptions) {
    mkdirSync(opts.dir, { recursive: true })
    // Whatever a previous process left is sealed and replayed, oldest first.
    for (const name of readdirSync(opts.dir).sort()) {
      const match = SEGMENT_NAME.exec(name)
      if (!match) continue
      const path = join(opts.dir, name)
      const stat = statSync(path)
      this.sealed.push({ seq: Number(match[1]), path, bytes: stat.size, createdAt: stat.mtimeMs })
    }
    this.nextSeq = (this.sealed.at(-1)?.seq ?? 0) + 1
  }

  /**
   * New segments get numbers above `seq`. A journal that names segments already deleted
   * (a crash after the insert, before the journal was cleared) must never match new
   * segments that reuse those numbers.
   */
  numberAbove(seq: number): void {
    this.nextSeq = Math.max(this.nextSeq, seq + 1)
  }

  /** Bytes on disk plus bytes waiting for the next commit round. */
  get bytes(): number {
    return this.sealed.reduce((n, s) => n + s.bytes, 0) + (this.active?.bytes ?? 0) + this.queuedBytes
  }

  /** Age in ms of the oldest data not yet handed over to ClickHouse (0 when empty). */
  oldestAgeMs(now = Date.now()): number {
    const first = this.sealed[0]?.createdAt ?? this.active?.createdAt
    return first === undefined ? 0 : Math.max(0, now - first)
  }

  /** Resolves once `payload` is on disk (fdatasync). Rejects with SpoolFullError when full. */
  append(payload: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new SpoolClosedError())
    const data = encodeRecord(payload)
    if (this.bytes + data.length > this.opts.maxBytes) return Promise.reject(new SpoolFullError(retryAfterSeconds(this.bytes)))
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ data, resolve, reject })
      this.queuedBytes += data.length
      if (!this.roundScheduled) {
        this.roundScheduled = true
        this.serialise(() => this.commitRound())
      }
    })
  }

  /** Seals the active segment if it holds anything older than `minAgeMs`. */
  seal(minAgeMs = 0): Promise<void> {
    return this.serialise(async () => {
      if (this.active && this.active.bytes > 0 && Date.now() - this.active.createdAt >= minAgeMs) await this.rotate()
    })
  }

  /** Sealed segments, oldest first (a copy). */
  segments(): Segment[] {
    return [...this.sealed]
  }

  /** Reads a sealed segment's records; damage and torn tails are logged and counted once. */
  async readRecords(segment: Segment): Promise<SegmentRecords> {
    const first = !this.checked.has(segment.seq)
    const records = await readSegmentRecords(segment.path, first ? this.opts : {})
    // In a segment this process sealed, every byte up to `bytes` was acknowledged: a tail
    // there that reads as no record is damage (kept in corrupt/), not a torn write.
    const lostAcknowledged = segment.committed ? Math.max(0, segment.bytes - records.goodEnd) : 0
    if (lostAcknowledged > 0 && first) this.opts.logger?.warn('acknowledged spool bytes read as no record', { segment: segment.path, from_offset: records.goodEnd, bytes: lostAcknowledged })
    this.checked.set(segment.seq, records.skippedBytes + lostAcknowledged)
    return records
  }

  /** Deletes a segment whose rows are safely in ClickHouse; a damaged one goes to `corrupt/`. */
  async remove(segment: Segment): Promise<void> {
    const damaged = (this.checked.get(segment.seq) ?? (await this.readRecords(segment)).skippedBytes) > 0
    if (damaged) {
      const kept = await quarantine(segment.path, this.opts.dir)
      this.opts.logger?.warn('damaged spool segment kept for inspection', { segment: kept })
    } else {
      await unlink(segment.path)
    }
    this.checked.delete(segment.seq)
    const at = this.sealed.findIndex((s) => s.seq === segment.seq)
    if (at >= 0) this.sealed.splice(at, 1)
  }

  /** Refuses new appends, waits for pending ones and seals the active segment. */
  async close(): Promise<void> {
    this.closed = true
    await this.serialise(async () => {
      if (this.active) {
        const empty = this.active.bytes === 0
        await this.rotate()
        if (empty) await unlink(this.sealed.pop()!.path)
      }
    })
  }

  private serialise(op: () => Promise<void>): Promise<void> {
    const run = this.chain.then(op)
    this.chain = run.catch(() => undefined)
    return run
  }

  private async commitRound(): Promise<void> {
    this.roundScheduled = false
    const batch = this.queued
    this.queued = []
    this.queuedBytes = 0
    if (batch.length === 0) return
    let active: Spool['active']
    try {
      active = await this.activeSegment()
      const parts = batch.map((p) => p.data)
      if (active.bytes === 0) parts.unshift(SEGMENT_HEADER)
      const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts)
      await writeFully(active.file, data, active.bytes)
      await active.file.datasync()
      this.commitRounds++
      active.bytes += data.length
    } catch (err) {
      if (active) {
        this.opts.logger?.warn('spool write failed; nothing of the round was acknowledged', { segment: active.path, error: String(err) })
        // A file that cannot be cut back is sealed as it is: its reader sees a torn tail.
        if (!(await cutBack(active.file, active.bytes))) await this.rotate().catch(() => undefined)
      }
      const failure = writeFailure(err)
      for (const p of batch) p.reject(failure)
      return
    }
    for (const p of batch) p.resolve()
    if (active.bytes >= this.opts.segmentBytes) {
      // Sealed even if closing fails: its records are committed.
      await this.rotate().catch((err: unknown) => this.opts.logger?.warn('spool segment did not close', { segment: active.path, error: String(err) }))
    }
  }

  private async activeSegment() {
    if (!this.active) {
      const seq = this.nextSeq++
      const path = join(this.opts.dir, segmentName(seq))
      const file = await createSegmentFile(this.opts.openFile ?? openSegmentFile, path, this.opts.dir)
      this.active = { seq, path, file, bytes: 0, createdAt: Date.now() }
    }
    return this.active
  }

  private async rotate(): Promise<void> {
    const a = this.active
    if (!a) return
    this.active = undefined
    this.sealed.push({ seq: a.seq, path: a.path, bytes: a.bytes, createdAt: a.createdAt, committed: true })
    await a.file.close()
  }
}
