/** The spool holds its maximum, or its disk is full; the collector answers 503 with Retry-After. */
export class SpoolFullError extends Error {
  readonly code = 'ERR_SPOOL_FULL'
  constructor(
    readonly retryAfterSeconds: number,
    message = 'the spool is full; retry later',
  ) {
    super(message)
  }
}

/** A spool write or fdatasync failed (EIO…): nothing of that round was acknowledged. */
export class SpoolWriteError extends Error {
  readonly code = 'ERR_SPOOL_UNAVAILABLE'
  readonly retryAfterSeconds = 5
  constructor(cause: unknown) {
    super('the spool could not write to disk; retry later', { cause })
  }
}

/** The spool is closing (shutdown); no more appends. */
export class SpoolClosedError extends Error {
  readonly code = 'ERR_SHUTTING_DOWN'
  constructor() {
    super('the collector is shutting down')
  }
}

const DISK_FULL = new Set(['ENOSPC', 'EDQUOT'])

/** What a failed write round tells the appenders: disk full (503, retry) or a disk fault. */
export function writeFailure(err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string' && DISK_FULL.has(code)) return new SpoolFullError(5, 'the disk holding the spool is full; retry later')
  return new SpoolWriteError(err)
}

/** Longer waits when more is backed up: 1 s per 64 MB, between 1 and 60 s. */
export function retryAfterSeconds(spooledBytes: number): number {
  return Math.min(60, Math.max(1, Math.ceil(spooledBytes / (64 * 1024 * 1024))))
}
