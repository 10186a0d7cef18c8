/**
 * `@tally/sdk-browser`: the Tally tracker for web pages, from npm.
 * The universal core (no DOM) is `@tally/sdk-browser/core`.
 */
export { createTally, DOWNLOADS, type Tally, type TallyOptions } from './tracker.js'
export type { WireEvent, WireProps, TokenSource, IssuedToken, Transport, DropHandler, DropReason, Outcome } from './core/index.js'
