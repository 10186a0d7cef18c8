import type { TokenErrorCode } from '../protocol/errors.js'

/**
 * Why a request's token was refused. `code` is one of the stable `TOKEN_ERROR_CODES`
 * (SDKs switch on it); `status` is always 401. The message is for humans and logs.
 *
 * @example
 * try { await verifier.verify(token) } catch (err) {
 *   if (err instanceof TokenError) return c.json({ error: { code: err.code, message: err.message } }, err.status)
 *   throw err
 * }
 */
export class TokenError extends Error {
  override name = 'TokenError'
  readonly code: TokenErrorCode
  readonly status = 401 as const

  constructor(code: TokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
