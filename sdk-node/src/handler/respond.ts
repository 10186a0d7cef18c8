import { TallyError } from '../errors.js'
import { DEFAULT_TOKEN_TTL, normaliseScope, type TokenIssuer } from '../token/issuer.js'

/** What the backend grants the caller: a token for one site, maybe for one user. */
export interface TokenGrant {
  /** The site the token is for. Required. */
  site: string
  /** Who it is for (`sub`), e.g. your user id. Default: none (anonymous visitor). */
  subject?: string
  /** Scopes. Default: the handler's `scope` (`'ingest'`). */
  scope?: string | readonly string[]
  /** Lifetime, seconds. Default: the handler's `ttl` (300). */
  ttl?: number
}

/** A refusal made with {@link deny}. */
export class TokenDenial {
  constructor(
    readonly status: 401 | 403 | 429,
    readonly message: string,
  ) {}
}

/**
 * Refuses a token request from `authorize`: `return deny(403, 'tracking is off for this account')`.
 * (Returning `null` is short for `deny(401, 'not signed in')`.)
 */
export function deny(status: 401 | 403 | 429, message?: string): TokenDenial {
  return new TokenDenial(status, message ?? (status === 401 ? 'not signed in' : status === 403 ? 'not allowed' : 'too many requests'))
}

/**
 * What `authorize` returns: a grant; `null`/`undefined`/`false` for 401; `deny(status, msg)`
 * for another refusal; or a `Response` of your own, sent as it is (plus `Cache-Control: no-store`).
 */
export type AuthorizeResult = TokenGrant | TokenDenial | Response | null | undefined | false

/** Options common to every token handler. */
export interface TokenHandlerBaseOptions {
  /** The issuer that signs (see `createTokenIssuer`). Required. */
  issuer: TokenIssuer
  /** Lifetime of tokens when the grant does not say, seconds. Default `300` (5 minutes). */
  ttl?: number
  /** Scope when the grant does not say. Default `'ingest'`. */
  scope?: string | readonly string[]
  /**
   * Called with errors thrown by `authorize` or by signing; the caller gets a 500 with a
   * generic message. Default: `console.error`.
   */
  onError?: (error: unknown) => void
}

/** The body of a 200 answer. `expiresIn` lets a client with a wrong clock still refresh in time. */
export interface TokenResponseBody {
  token: string
  /** Expiry, ms since the Unix epoch. */
  expiresAt: number
  /** Seconds from now until expiry (the token's lifetime). */
  expiresIn: number
}

const NO_STORE = { 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' } as const

function json(status: number, body: unknown, extra?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...NO_STORE, ...extra } })
}

export function errorResponse(status: number, code: string, message: string, extra?: Record<string, string>): Response {
  return json(status, { error: { code, message } }, extra)
}

/** Checks handler options once, at start-up, and returns the function that turns a decision into an answer. */
export function makeResponder(options: TokenHandlerBaseOptions): (decide: () => Promise<AuthorizeResult>) => Promise<Response> {
  const bad = (m: string): never => {
    throw new TallyError('ERR_OPTIONS_INVALID', `token handler: ${m}`)
  }
  const { issuer } = options
  if (!issuer || typeof issuer.issue !== 'function') bad('issuer is required (createTokenIssuer(...))')
  const ttl = options.ttl ?? DEFAULT_TOKEN_TTL
  if (!Number.isInteger(ttl) || ttl <= 0) bad('ttl must be a positive whole number of seconds')
  const scope = options.scope === undefined ? undefined : normaliseScope(options.scope, (m) => bad(`scope: ${m}`))
  const onError = options.onError ?? ((err: unknown) => console.error('[tally] token handler:', err))

  return async function respond(decide) {
    try {
      const result = await decide()
      if (result instanceof Response) {
        const headers = new Headers(result.headers)
        if (!headers.has('cache-control')) headers.set('cache-control', 'no-store')
        return new Response(result.body, { status: result.status, statusText: result.statusText, headers })
      }
      if (!result) return errorResponse(401, 'ERR_UNAUTHORIZED', 'not signed in')
      if (result instanceof TokenDenial) {
        const code = result.status === 401 ? 'ERR_UNAUTHORIZED' : result.status === 403 ? 'ERR_FORBIDDEN' : 'ERR_RATE_LIMITED'
        return errorResponse(result.status, code, result.message)
      }
      const { token, expiresAt } = await issuer.issue({
        site: result.site,
        subject: result.subject,
        scope: result.scope ?? scope,
        ttl: result.ttl ?? ttl,
      })
      const body: TokenResponseBody = { token, expiresAt, expiresIn: result.ttl ?? ttl }
      return json(200, body)
    } catch (err) {
      onError(err)
      return errorResponse(500, 'ERR_INTERNAL', 'could not issue a token')
    }
  }
}
