/** `@tally/sdk-node/hono`: the token endpoint as a Hono handler (needs `hono` installed). */
export { tallyTokenRoute, type TokenRouteOptions } from './handler/hono.js'
export { deny, type AuthorizeResult, type TokenGrant, type TokenResponseBody } from './handler/respond.js'
