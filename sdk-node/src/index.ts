/**
 * `@tally/sdk-node`: Tally for app backends. Issue short-lived tokens for your pages and
 * apps (`createTokenIssuer`, the token handlers, the `tally` CLI), and track server-side
 * events (`createTallyNode`).
 */
export * from './client/index.js'
export * from './token/index.js'
export * from './handler/index.js'
export { TallyError, type TallyErrorCode } from './errors.js'
export type { WireEvent, WireProps, BackoffOptions, Outcome, DropReason, Transport, TransportRequest, TransportResponse } from '@tally/sdk-browser/core'
