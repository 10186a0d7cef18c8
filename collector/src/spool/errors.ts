/** The spool holds its maximum; the collector answers 503 with Retry-After. */
export class SpoolFullError extends Error {
  readonly code = 'ERR_SPOOL_FULL'
  constructor(readonly retryAfterSeconds: number) {
    super('the spool is full; retry later')
  }
}

/** The spool is closing (shutdown); no more appends. */
export class SpoolClosedError extends Error {
  readonly code = 'ERR_SHUTTING_DOWN'
  constructor() {
    super('the collector is shutting down')
  }
}
