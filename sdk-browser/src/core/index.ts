/**
 * `@tally/sdk-browser/core`: the universal sending core (no DOM, no Node APIs), shared
 * by sdk-browser, sdk-node and React Native apps.
 */
export { createCore, type Core, type CoreOptions, type CoreStats } from './client.js'
export { backoff, type BackoffOptions } from './backoff.js'
export { classify, parseRetryAfter, type Outcome } from './retry.js'
export { utf8Length, type DropHandler, type DropReason } from './queue.js'
export { readQueue, type KeyValueStore, type PersistedQueue } from './store.js'
export { tokenProvider, expiryMs, type IssuedToken, type TokenProvider, type TokenSource } from './token.js'
export { fetchTransport, type Transport, type TransportRequest, type TransportResponse } from './transport.js'
export { uuid } from './uuid.js'
export { WIRE_LIMITS, type BatchAccepted, type ErrorBody, type WireBatch, type WireEvent, type WireEventType, type WireProps, type WireSource } from './types.js'
