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
  /** A tracking call was given something that can never be a valid event (no name, a bad id or time). */
  | 'ERR_EVENT_INVALID'

export class TallyError extends Error {
  override readonly name: string = 'TallyError'
  readonly code: TallyErrorCode

  constructor(code: TallyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
