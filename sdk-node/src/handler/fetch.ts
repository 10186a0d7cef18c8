import { errorResponse, makeResponder, type AuthorizeResult, type TokenHandlerBaseOptions } from './respond.js'

export interface TokenHandlerOptions extends TokenHandlerBaseOptions {
  /**
   * Decides, per request, whether the caller gets a token and for what. Read your own
   * session or cookie from `req`. Return a grant (`{ site, subject?, scope?, ttl? }`),
   * `null` for 401, `deny(403, msg)` for another refusal, or a `Response`.
   */
  authorize: (req: Request) => AuthorizeResult | Promise<AuthorizeResult>
  /** Methods answered; others get 405. Default `['GET', 'POST']`. */
  methods?: readonly string[]
}

/** A Fetch-API handler: Next.js route handlers, Bun.serve, Deno.serve, Cloudflare Workers, Remix… */
export type TokenHandler = (req: Request) => Promise<Response>

/**
 * The token endpoint as a plain `(req: Request) => Promise<Response>`. The answer is
 * `200 { token, expiresAt, expiresIn }` with `Cache-Control: no-store`, or
 * `{ error: { code, message } }` with 401/403/405/500. CORS is yours to add (the page
 * usually calls its own origin, so none is needed).
 *
 * @example
 * ```ts
 * // app/api/tally-token/route.ts (Next.js)
 * import { createTokenHandler, createTokenIssuer } from '@tally/sdk-node'
 *
 * const issuer = createTokenIssuer({ keys: [process.env.TALLY_SIGNING_KEY!] })
 * export const GET = createTokenHandler({
 *   issuer,
 *   authorize: async (req) => {
 *     const user = await getSessionUser(req) // yours
 *     return { site: 'shop', subject: user?.id } // anonymous visitors get a token too
 *   },
 * })
 * ```
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  const respond = makeResponder(options)
  const { authorize } = options
  const methods = (options.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase())
  const allow = methods.join(', ')
  return async function tallyTokenHandler(req) {
    if (!methods.includes(req.method.toUpperCase())) {
      return errorResponse(405, 'ERR_METHOD_NOT_ALLOWED', `use ${allow}`, { allow })
    }
    return respond(async () => authorize(req))
  }
}
