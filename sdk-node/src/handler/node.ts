import type { IncomingMessage, ServerResponse } from 'node:http'
import { errorResponse, makeResponder, type AuthorizeResult, type TokenHandlerBaseOptions } from './respond.js'

export interface NodeTokenHandlerOptions<Req extends IncomingMessage = IncomingMessage> extends TokenHandlerBaseOptions {
  /**
   * Decides, per request, whether the caller gets a token. `req` is the framework's own
   * request (Express: `req.user`, `req.session`…). Return a grant (`{ site, subject?, scope?, ttl? }`),
   * `null` for 401, `deny(403, msg)` for another refusal, or a Fetch `Response`.
   */
  authorize: (req: Req) => AuthorizeResult | Promise<AuthorizeResult>
  /** Methods answered; others get 405. Default `['GET', 'POST']`. */
  methods?: readonly string[]
}

/**
 * The token endpoint for `node:http`-style servers: Express, Connect, Fastify's raw
 * handlers, `http.createServer`. Never rejects; errors become a 500 and go to `onError`.
 *
 * @example
 * ```ts
 * import express from 'express'
 * import { createNodeTokenHandler, createTokenIssuer } from '@tally/sdk-node'
 *
 * const issuer = createTokenIssuer({ keys: [process.env.TALLY_SIGNING_KEY!] })
 * const app = express()
 * app.get('/tally-token', createNodeTokenHandler({ issuer, authorize: (req) => ({ site: 'shop', subject: req.user?.id }) }))
 * ```
 */
export function createNodeTokenHandler<Req extends IncomingMessage = IncomingMessage>(
  options: NodeTokenHandlerOptions<Req>,
): (req: Req, res: ServerResponse) => Promise<void> {
  const respond = makeResponder(options)
  const { authorize } = options
  const methods = (options.methods ?? ['GET', 'POST']).map((m) => m.toUpperCase())
  const allow = methods.join(', ')
  return async function tallyTokenHandler(req, res) {
    const response = methods.includes((req.method ?? 'GET').toUpperCase())
      ? await respond(async () => authorize(req))
      : errorResponse(405, 'ERR_METHOD_NOT_ALLOWED', `use ${allow}`, { allow })
    await writeResponse(response, res)
  }
}

/** Writes a Fetch `Response` to a Node `ServerResponse`. */
export async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  if (res.headersSent) return
  const headers: Record<string, string | string[]> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  headers['content-length'] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}
