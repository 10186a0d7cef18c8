// Test support: `POST /v1/batch` alone, in process, with a real verifier and enricher and
// a spool that keeps what the route appends (decoded), for tests that look at the rows.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { SignJWT } from 'jose'
import { loadVerificationKeys } from '../auth/keys.js'
import { createTokenVerifier } from '../auth/verify-token.js'
import { createEnricher, type GeoLookup } from '../enrich/index.js'
import { Metrics } from '../metrics/metrics.js'
import { CLAIM_SCOPE, CLAIM_SITE, DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '../protocol/claims.js'
import { decodePayload } from '../spool/payload.js'
import type { Spool } from '../spool/spool.js'
import { EVENT_COLUMNS, type EventRow } from '../storage/rows.js'
import { batchRoute } from './batch-route.js'
import { OriginPolicy } from './cors.js'

const SECRET = 'batch-app-fixture-secret-of-32-characters'
const SITE = { id: 'shop', name: 'Shop', origins: ['https://shop.example'], cookieless: false }

export interface BatchApp {
  app: Hono
  /** Event rows the route spooled, in order. */
  rows: EventRow[]
}

/** `geo` answers for every address (the route is called without a socket, so the IP is ''). */
export async function batchApp(options: { trustProxy?: boolean; geo?: GeoLookup } = {}): Promise<BatchApp> {
  const keys = await loadVerificationKeys([{ kid: 'k', alg: 'HS256', secret: SECRET }], process.cwd())
  const rows: EventRow[] = []
  const spool = {
    async append(payload: Buffer) {
      for (const tuple of decodePayload(payload).events) {
        rows.push(Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, tuple[i]])) as unknown as EventRow)
      }
    },
  } as unknown as Spool
  const app = new Hono()
  app.post(
    '/v1/batch',
    batchRoute({
      sites: new Map([[SITE.id, SITE]]),
      origins: new OriginPolicy([SITE]),
      verifier: createTokenVerifier({ keys, issuer: DEFAULT_ISSUER, audience: DEFAULT_AUDIENCE, maxLifetimeSeconds: 3600, clockSkewSeconds: 5, knownSites: [SITE.id] }),
      enricher: createEnricher({ geo: options.geo ?? false, saltDir: mkdtempSync(join(tmpdir(), 'tally-salts-')) }),
      spool,
      metrics: new Metrics(),
      trustProxy: options.trustProxy ?? false,
      isDraining: () => false,
    }),
  )
  return { app, rows }
}

/** A token for the fixture's site `shop` with these scopes. */
export function fixtureToken(scope = 'ingest'): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ [CLAIM_SITE]: SITE.id, [CLAIM_SCOPE]: scope })
    .setProtectedHeader({ alg: 'HS256', kid: 'k' })
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(SECRET))
}

/** A one-page-view batch body. */
export function pageviewBody(extra: Record<string, unknown> = {}): string {
  const now = Date.now()
  return JSON.stringify({ sent_at: now, ...extra, events: [{ id: crypto.randomUUID(), type: 'pageview', name: 'pageview', ts: now, url: 'https://shop.example/' }] })
}
