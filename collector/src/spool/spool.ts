import { mkdirSync, readdirSync, statSync } from 'node:fs'
import { open, readFile, unlink, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { encodeRecord } from './record.js'
import { SpoolClosedError, SpoolFullError } from './errors.js'
import { syncDirectory } from './sync-directory.js'

/** A sealed segment file, ready for the writer. */
export interface Segment {
  seq: number
  path: string
  bytes: number
  createdAt: number
}

export interface SpoolOptions {
  dir: string
  /** Bytes on disk before appends are refused with SpoolFullError. */
  maxBytes: number
  /** The active segment is sealed once it reaches this size. */
  segmentBytes: number
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
 * cost of durability is per round, not per request. Segments are append-only files;
 * the writer reads sealed ones and deletes them once ClickHouse has their rows.
 */
export class Spool {
  private readonly sealed: Segment[] = []
  private active: { seq: number; path: string; file: FileHandle; bytes: number; createdAt: number } | undefined
  private nextSeq: number
  private queued: Pending[] = []
  private queuedBytes = 0
  private roundScheduled = false
  /** Serialises commit rounds and seals: one file operation at a time. */
  private chain: Promise<void> = Promise.resolve()
  private closed = false
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

  /** Bytes on disk plus bytes waiting for the next commit round. */
  get bytes(): number {
    return this.sealed.reduce((n, s) => n + s.bytes, 0) + (this.active?.bytes ?? 0) + this.queuedBytes
  }

  /** Age in ms of the oldest data not yet handed over to ClickHouse (0 when empty). */
  oldestAgeMs(now = Date.now()): number {
    const first = this.sealed[0]?.createdAt ?? this.active?.createdAt
    return first === undefined ? 0 : Math.max(0, now - first)
  }

  /** Resolves once `payload` is on disk (fsync). Throws SpoolFullError when full. */
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

  async readSegment(segment: Segment): Promise<Buffer> {
    return readFile(segment.path)
  }

  /** Deletes a segment whose rows are safely in ClickHouse. */
  async remove(segment: Segment): Promise<void> {
    await unlink(segment.path)
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
    try {
      const active = await this.activeSegment()
      const data = batch.length === 1 ? batch[0]!.data : Buffer.concat(batch.map((p) => p.data))
      await active.file.write(data, 0, data.length, active.bytes)
      await active.file.datasync()
      this.commitRounds++
      active.bytes += data.length
      for (const p of batch) p.resolve()
      if (active.bytes >= this.opts.segmentBytes) await this.rotate()
    } catch (err) {
      for (const p of batch) p.reject(err)
    }
  }

  private async activeSegment() {
    if (!this.active) {
      const seq = this.nextSeq++
      const path = join(this.opts.dir, segmentName(seq))
      const file = await open(path, 'wx')
      await syncDirectory(this.opts.dir) // the new file's name must survive a crash too
      this.active = { seq, path, file, bytes: 0, createdAt: Date.now() }
    }
    return this.active
  }

  private async rotate(): Promise<void> {
    const a = this.active
    if (!a) return
    this.active = undefined
    await a.file.close()
    this.sealed.push({ seq: a.seq, path: a.path, bytes: a.bytes, createdAt: a.createdAt })
  }
}

/** Longer waits when more is backed up: 1 s per 64 MB, between 1 and 60 s. */
function retryAfterSeconds(bytes: number): number {
  return Math.min(60, Math.max(1, Math.ceil(bytes / (64 * 1024 * 1024))))
}
