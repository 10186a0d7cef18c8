import type { Context, Env } from 'hono'
import { makeResponder, type AuthorizeResult, type TokenHandlerBaseOptions } from './respond.js'

export interface TokenRouteOptions<E extends Env = Env> extends TokenHandlerBaseOptions {
  /**
   * Decides, per request, whether the caller gets a token: read your session with
   * `c.get(...)`, `getCookie(c, ...)`, etc. Return a grant (`{ site, subject?, scope?, ttl? }`),
   * `null` for 401, `deny(403, msg)` for another refusal, or a `Response`.
   */
  authorize: (c: Context<E>) => AuthorizeResult | Promise<AuthorizeResult>
}

/**
 * The token endpoint as a Hono handler. Mount it on the method and path you like; put
 * Hono's `cors()` middleware in front if another origin calls it.
 *
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { createTokenIssuer, tallyTokenRoute } from '@tally/sdk-node'
 *
 * const issuer = createTokenIssuer({ keys: [process.env.TALLY_SIGNING_KEY!] })
 * const app = new Hono()
 * app.get('/tally-token', tallyTokenRoute({ issuer, authorize: (c) => ({ site: 'shop', subject: c.get('userId') }) }))
 * ```
 */
export function tallyTokenRoute<E extends Env = any>(options: TokenRouteOptions<E>): (c: Context<E>) => Promise<Response> {
  const respond = makeResponder(options)
  const { authorize } = options
  return async function tallyToken(c) {
    return respond(async () => authorize(c))
  }
}
