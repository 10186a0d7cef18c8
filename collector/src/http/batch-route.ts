import type { Context } from 'hono'
import { batchEnvelopeSchema } from '../protocol/batch.js'
import { LIMITS } from '../protocol/limits.js'
import type { SiteConfig } from '../config/schema.js'
import type { TokenVerifier } from '../auth/verify-token.js'
import { TokenError } from '../auth/errors.js'
import type { createEnricher } from '../enrich/index.js'
import type { Spool } from '../spool/spool.js'
import { SpoolClosedError, SpoolFullError, SpoolWriteError } from '../spool/errors.js'
import { encodePayload } from '../spool/payload.js'
import type { RejectedRow } from '../storage/rows.js'
import type { Metrics } from '../metrics/metrics.js'
import { validateEvents } from '../ingest/validate-events.js'
import { validateOrders } from '../orders/validate-orders.js'
import { SCOPE_ORDERS } from '../protocol/claims.js'
import { corsHeaders, type OriginPolicy } from './cors.js'
import { RequestError, errorResponse } from './errors.js'
import { readBody } from './read-body.js'
import { clientIp, remoteAddress } from './client-ip.js'
import { eventSource } from './event-source.js'

export interface BatchRouteDeps {
  sites: Map<string, SiteConfig>
  origins: OriginPolicy
  verifier: TokenVerifier
  enricher: ReturnType<typeof createEnricher>
  spool: Spool
  metrics: Metrics
  trustProxy: boolean
  /** Counts acknowledged order versions. */
  onOrdersAccepted?: (n: number) => void
  /** True once shutdown began: new batches get 503. */
  isDraining: () => boolean
}

/**
 * `POST /v1/batch`: CORS → body limit → envelope → token → per-event validation →
 * enrichment → durable spool append → 202. Valid events of a batch are accepted even
 * when others are refused; refused ones are spooled for `rejected_events` with a reason.
 */
export function batchRoute(deps: BatchRouteDeps) {
  return async function batch(c: Context): Promise<Response> {
    const origin = c.req.header('origin')
    try {
      if (deps.isDraining()) throw new RequestError(503, 'ERR_SHUTTING_DOWN', 'the collector is shutting down', { 'Retry-After': '5' })
      const receivedAt = Date.now()
      const body = await readBody(c.req.raw, LIMITS.bytesPerBody)
      const envelope = parseEnvelope(body)
      const token = await deps.verifier.verify(bearer(c.req.header('authorization')) ?? envelope.token)
      if (origin !== undefined) {
        if (!deps.origins.allows(token.site, origin)) throw new RequestError(403, 'ERR_ORIGIN_NOT_ALLOWED', `origin ${JSON.stringify(origin.slice(0, 200))} may not send events for site ${token.site}`)
        for (const [k, v] of Object.entries(corsHeaders(origin))) c.header(k, v)
      }
      const site = deps.sites.get(token.site)!
      const { valid, rejected: refused, orders: orderEvents } = validateEvents(envelope.events, body.length)
      const orders = validateOrders(orderEvents, { site: site.id, receivedAt, allowed: token.scopes.includes(SCOPE_ORDERS) })
      const rejected = [...refused, ...orders.rejected].sort((a, b) => a.index - b.index)
      const request = deps.enricher.forRequest({
        site,
        ip: clientIp(c.req.header('x-forwarded-for'), () => remoteAddress(c), deps.trustProxy),
        userAgent: c.req.header('user-agent') ?? '',
        receivedAt,
        sentAt: envelope.sent_at,
        source: eventSource(envelope.source, origin !== undefined, token.scopes),
      })
      const rows = valid.map((event) => request.event(event))
      const rejectedRows: RejectedRow[] = rejected.map((r) => ({
        site_id: site.id,
        received_at: receivedAt,
        reason: r.reason,
        payload: r.payload,
      }))
      await deps.spool.append(encodePayload({ events: rows, rejected: rejectedRows, orders: orders.rows }))
      for (const r of rejected) deps.metrics.rejected(r.reason)
      const rejectedList = rejected.map(({ index, reason, message }) => ({ index, reason, message }))
      const accepted = rows.length + orders.rows.length
      if (accepted === 0) {
        deps.metrics.requestError('ERR_BATCH_INVALID')
        return errorResponse(c, new RequestError(400, 'ERR_BATCH_INVALID', 'no event of the batch is valid'), { accepted: 0, rejected: rejectedList })
      }
      deps.metrics.eventsAccepted += rows.length
      deps.onOrdersAccepted?.(orders.rows.length)
      deps.metrics.batchesAccepted++
      return c.json({ accepted, rejected: rejectedList }, 202)
    } catch (err) {
      const failure = asRequestError(err)
      deps.metrics.requestError(failure.code)
      // The SDK must be able to read a 401 (to refresh its token) or a 503 (to back off).
      if (origin !== undefined && failure.code !== 'ERR_ORIGIN_NOT_ALLOWED' && deps.origins.allowsSomeSite(origin)) {
        for (const [k, v] of Object.entries(corsHeaders(origin))) c.header(k, v)
      }
      return errorResponse(c, failure)
    }
  }
}

function parseEnvelope(body: Buffer) {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    throw new RequestError(400, 'ERR_BODY_MALFORMED', 'the body is not JSON')
  }
  const parsed = batchEnvelopeSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new RequestError(400, 'ERR_BATCH_INVALID', `${issue.path.join('.') || 'batch'}: ${issue.message}`)
  }
  return parsed.data
}

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i)
  return match?.[1]
}

function asRequestError(err: unknown): RequestError {
  if (err instanceof RequestError) return err
  if (err instanceof TokenError) return new RequestError(401, err.code, err.message)
  if (err instanceof SpoolFullError) return new RequestError(503, 'ERR_SPOOL_FULL', err.message, { 'Retry-After': String(err.retryAfterSeconds) })
  if (err instanceof SpoolWriteError) return new RequestError(503, 'ERR_SPOOL_UNAVAILABLE', err.message, { 'Retry-After': String(err.retryAfterSeconds) })
  if (err instanceof SpoolClosedError) return new RequestError(503, 'ERR_SHUTTING_DOWN', err.message, { 'Retry-After': '5' })
  console.error('[tally] unexpected error in POST /v1/batch', err)
  return new RequestError(500, 'ERR_INTERNAL', 'internal error')
}
