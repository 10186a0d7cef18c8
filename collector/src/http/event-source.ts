import type { WireSource } from '../protocol/batch.js'
import { SCOPE_SERVER } from '../protocol/claims.js'

/**
 * Who sent a batch, as far as the collector trusts it. A server event skips the bot
 * check and geo (its connection is the customer's backend, not the visitor), so only a
 * token with the `server` scope may make one; the envelope's claim alone never does.
 *
 * - With `server`: the envelope's `source`, else `server` without an Origin header
 *   (a backend) and `browser` with one.
 * - Without it (a token a browser or app holds): `app` if claimed, else `browser`,
 *   with or without an Origin (curl sends none). A claimed `server` is downgraded, not
 *   refused: the events are kept and enriched like a browser's, and an SDK holding an
 *   old `ingest`-only token loses nothing (a 403 would be final, the events dropped).
 */
export function eventSource(claimed: WireSource | undefined, hasOrigin: boolean, scopes: readonly string[]): WireSource {
  if (scopes.includes(SCOPE_SERVER)) return claimed ?? (hasOrigin ? 'browser' : 'server')
  return claimed === 'app' ? 'app' : 'browser'
}
