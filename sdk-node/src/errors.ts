/**
 * Every error sdk-node throws or reports is a {@link TallyError} with a stable string
 * `code`, so callers can `switch (err.code)` instead of matching messages.
 */
export type TallyErrorCode =
  /** A key given to the issuer, the client or the CLI is not usable (shape, alg, kid). */
  | 'ERR_KEY_INVALID'
  /** An option of a factory (issuer, handler, client) is invalid; thrown at start-up. */
  | 'ERR_OPTIONS_INVALID'
  /** A token request asked for something the issuer refuses (bad site, ttl too long…). */
  | 'ERR_TOKEN_REQUEST'
  /** The token could not be obtained (the `getToken` callback or signing failed). */
  | 'ERR_TOKEN_UNAVAILABLE'
  /** The collector refused a batch for good (a 4xx other than 408/429); see `status` and `reason`. */
  | 'ERR_BATCH_REFUSED'
  /** The collector refused some events of an accepted batch; see `rejected`. */
  | 'ERR_EVENTS_REJECTED'
  /** The queue was full: events were dropped, see the client's overflow policy. */
  | 'ERR_QUEUE_OVERFLOW'
  /** An event is too large to ever be sent (over the per-event byte limit). */
  | 'ERR_EVENT_TOO_LARGE'
  /** The client was closed; the call did nothing. */
  | 'ERR_CLIENT_CLOSED'
  /** `close({ timeout })` gave up before everything was delivered. */
  | 'ERR_CLOSE_TIMEOUT'

export class TallyError extends Error {
  override readonly name: string = 'TallyError'
  readonly code: TallyErrorCode

  constructor(code: TallyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
