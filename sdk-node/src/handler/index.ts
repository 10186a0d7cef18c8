export { createTokenHandler, type TokenHandler, type TokenHandlerOptions } from './fetch.js'
export { createNodeTokenHandler, type NodeTokenHandlerOptions } from './node.js'
export { deny, TokenDenial, type AuthorizeResult, type TokenGrant, type TokenHandlerBaseOptions, type TokenResponseBody } from './respond.js'
