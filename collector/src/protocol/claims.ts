/**
 * Token claim names and values shared by the collector (which verifies tokens) and
 * sdk-node (which issues them). One place, so the two sides cannot drift apart.
 */

/** Claim naming the site the token may send events for. */
export const CLAIM_SITE = 'site'
/** Claim listing the token's scopes, space-separated (RFC 8693 style). */
export const CLAIM_SCOPE = 'scope'
/** The scope a token needs to send events to `POST /v1/batch`. */
export const SCOPE_INGEST = 'ingest'
/** The scope a token needs to send `order` events. */
export const SCOPE_ORDERS = 'orders'
/** Audience the collector expects unless configured otherwise. */
export const DEFAULT_AUDIENCE = 'tally'
/** Issuer the collector expects unless configured otherwise. */
export const DEFAULT_ISSUER = 'tally-dev'
/** Algorithms Tally signs and verifies with. `none` is never among them. */
export const TOKEN_ALGORITHMS = ['EdDSA', 'ES256', 'HS256'] as const
export type TokenAlgorithm = (typeof TOKEN_ALGORITHMS)[number]
