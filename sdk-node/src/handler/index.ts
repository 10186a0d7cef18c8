export { createTokenHandler, type TokenHandler, type TokenHandlerOptions } from './fetch.js'
export { tallyTokenRoute, type TokenRouteOptions } from './hono.js'
export { createNodeTokenHandler, type NodeTokenHandlerOptions } from './node.js'
export { deny, TokenDenial, type AuthorizeResult, type TokenGrant, type TokenHandlerBaseOptions, type TokenResponseBody } from './respond.js'
