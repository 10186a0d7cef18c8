import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignJWT } from 'jose'
import { CLAIM_SCOPE, CLAIM_SITE, DEFAULT_AUDIENCE, DEFAULT_ISSUER, SCOPE_INGEST, SCOPE_ORDERS, SCOPE_SERVER } from './protocol/claims.js'

/**
 * `npm start` with no configuration: a dev site `demo` (any origin) and an HS256 key
 * whose secret is made once and kept in `<dataDir>/dev.json`, so a restart keeps working
 * tokens. Never use dev mode in production: the secret sits beside the data.
 */
export interface DevSetup {
  secret: string
  adminToken: string
  dashboardToken: string
}

export const DEV_SITE = 'demo'
export const DEV_KID = 'dev'

export function loadDevSetup(dataDir: string): DevSetup {
  const path = join(dataDir, 'dev.json')
  const kept = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<DevSetup>) : {}
  const setup: DevSetup = {
    secret: kept.secret ?? randomBytes(32).toString('base64url'),
    adminToken: kept.adminToken ?? randomBytes(24).toString('base64url'),
    dashboardToken: kept.dashboardToken ?? randomBytes(24).toString('base64url'),
  }
  mkdirSync(dataDir, { recursive: true })
  if (!(kept.secret && kept.adminToken && kept.dashboardToken)) writeFileSync(path, JSON.stringify(setup, null, 2), { mode: 0o600 })
  // The same secret as sdk-node's signing-key JSON: TALLY_SIGNING_KEY_FILE=<dataDir>/dev-key.json
  // lets any backend (examples/power-bank, examples/token-backend) sign dev tokens, orders included.
  const keyPath = join(dataDir, DEV_KEY_FILE)
  const key = JSON.stringify(devSigningKey(setup))
  if (!existsSync(keyPath) || readFileSync(keyPath, 'utf8') !== key) writeFileSync(keyPath, key, { mode: 0o600 })
  return setup
}

/** Beside dev.json: the dev key in the shape sdk-node's `signingKey` takes. */
export const DEV_KEY_FILE = 'dev-key.json'

/** The dev key as sdk-node takes it (`createTallyNode({ signingKey })`): its tokens may carry any scope, `orders` included. */
export function devSigningKey(setup: DevSetup): { kid: string; alg: 'HS256'; secret: string } {
  return { kid: DEV_KID, alg: 'HS256', secret: setup.secret }
}

export function devConfig(setup: DevSetup) {
  return {
    sites: [{ id: DEV_SITE, name: 'Dev site', origins: ['*'] }],
    keys: [{ kid: DEV_KID, alg: 'HS256' as const, secret: setup.secret }],
    adminToken: setup.adminToken,
    dashboardToken: setup.dashboardToken,
    // The dev token printed at start-up lasts a day, for curl and the example page.
    token: { maxLifetimeSeconds: 86_400 },
    allowHeadless: true,
  }
}

/**
 * A token for the dev site, signed with the dev secret. `server`: the curl line printed
 * at start-up, a terminal acting as a backend (its events are server events, so curl's
 * UA is not flagged as a bot; it may send orders). The example page's tokens are
 * `browser`: `ingest` only.
 */
export async function devToken(setup: DevSetup, ttlSeconds = 86_400, kind: 'server' | 'browser' = 'browser'): Promise<string> {
  const scope = kind === 'server' ? `${SCOPE_INGEST} ${SCOPE_SERVER} ${SCOPE_ORDERS}` : SCOPE_INGEST
  return new SignJWT({ [CLAIM_SITE]: DEV_SITE, [CLAIM_SCOPE]: scope })
    .setProtectedHeader({ alg: 'HS256', kid: DEV_KID, typ: 'JWT' })
    .setIssuer(DEFAULT_ISSUER)
    .setAudience(DEFAULT_AUDIENCE)
    .setSubject('dev')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(setup.secret))
}
