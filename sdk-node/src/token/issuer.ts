import { SignJWT, type CryptoKey } from 'jose'
import { CLAIM_SCOPE, CLAIM_SITE, DEFAULT_AUDIENCE, DEFAULT_ISSUER, SCOPE_INGEST, SCOPE_ORDERS, SCOPE_SERVER } from '@tally/collector/claims'
import { TallyError } from '../errors.js'
import { importSigningKey, parseKey, toJwks, type Jwks, type PublicJwk, type SigningKey } from './keys.js'

/** Default token lifetime, seconds: 5 minutes. */
export const DEFAULT_TOKEN_TTL = 300
/**
 * The scope of a backend's own tracking tokens: send events and orders, and mark them as server
 * events (no bot check or geo: the connection is your backend, not the visitor). Never
 * give it to a browser or app: there it would let anyone skip the bot check. Tokens for
 * browsers keep the default `'ingest'`.
 *
 * @example
 * const tally = createTallyNode({ endpoint, getToken: () => issuer.issue({ site: 'shop', scope: SERVER_TRACKING_SCOPE }) })
 */
export const SERVER_TRACKING_SCOPE = `${SCOPE_INGEST} ${SCOPE_SERVER} ${SCOPE_ORDERS}`
/** Default longest lifetime, seconds: the collector's default `token.maxLifetimeSeconds`. */
export const DEFAULT_MAX_TTL = 3600

export interface TokenIssuerOptions {
  /**
   * Keys, newest first. The first one signs every token and must be private (a private
   * JWK or an HS256 secret). The others are only published by {@link TokenIssuer.jwks},
   * so the collector keeps accepting tokens they signed while you rotate; they may be
   * public JWKs. A key may be given as an object or as JSON text (e.g. an environment
   * variable holding the file `tally keygen` wrote).
   */
  keys: readonly (SigningKey | PublicJwk | string)[]
  /** `iss` claim; must match the collector's `token.issuer`. Default `'tally-dev'`. */
  issuer?: string
  /** `aud` claim; must match the collector's `token.audience`. Default `'tally'`. */
  audience?: string
  /** Lifetime of a token when `issue()` is not told, seconds. Default `300` (5 minutes). */
  defaultTtl?: number
  /**
   * Longest lifetime `issue()` accepts, seconds. Default `3600`, the collector's default
   * `token.maxLifetimeSeconds`: a longer token would be refused there anyway.
   */
  maxTtl?: number
  /** Scope when `issue()` is not told. Default `'ingest'` (send events, nothing else). */
  defaultScope?: string | readonly string[]
}

export interface IssueRequest {
  /** The site the token may send events for (`site` claim). Required. */
  site: string
  /** Who the token is for (`sub` claim), e.g. your user id. Default: none. */
  subject?: string
  /** Scopes, as an array or space-separated. Default: the issuer's `defaultScope` (`'ingest'`). */
  scope?: string | readonly string[]
  /** Lifetime in seconds. Default: the issuer's `defaultTtl` (300). At most `maxTtl`. */
  ttl?: number
}

export interface IssuedToken {
  /** The signed JWT (compact form). */
  token: string
  /** When it expires, milliseconds since the Unix epoch (`exp` × 1000). */
  expiresAt: number
}

export interface TokenIssuer {
  /** Signs a token for one site. Rejects with `TallyError('ERR_TOKEN_REQUEST')` for a bad request. */
  issue(request: IssueRequest): Promise<IssuedToken>
  /** The public JWKS of every asymmetric key, signing key first. HS256 secrets are never published. */
  jwks(): Jwks
  /** The `kid` of the signing key. */
  readonly kid: string
  /** The algorithm of the signing key. */
  readonly alg: SigningKey['alg']
  readonly issuer: string
  readonly audience: string
}

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

function badOption(message: string): never {
  throw new TallyError('ERR_OPTIONS_INVALID', message)
}

function badRequest(message: string): never {
  throw new TallyError('ERR_TOKEN_REQUEST', message)
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0
}

/** Normalises a scope to its space-separated form, checking each scope token (RFC 6749 §3.3). */
export function normaliseScope(scope: string | readonly string[], fail: (m: string) => never = badRequest): string {
  const parts = (typeof scope === 'string' ? scope.split(' ') : [...scope]).filter((s) => s.length > 0)
  if (parts.length === 0) fail('scope must name at least one scope, e.g. "ingest"')
  for (const p of parts) if (typeof p !== 'string' || !SCOPE_TOKEN.test(p)) fail(`invalid scope ${JSON.stringify(p)}`)
  return [...new Set(parts)].join(' ')
}

/**
 * Creates a token issuer for your app backend: short-lived JWTs for one site and one
 * purpose, which the collector verifies with the public JWKS (or the shared HS256 secret).
 * Options are checked here and throw `TallyError('ERR_OPTIONS_INVALID' | 'ERR_KEY_INVALID')`;
 * the key is imported on first use.
 *
 * @example
 * ```ts
 * import { createTokenIssuer } from '@tally/sdk-node'
 *
 * const issuer = createTokenIssuer({ keys: [process.env.TALLY_SIGNING_KEY!] })
 * const { token, expiresAt } = await issuer.issue({ site: 'shop', subject: user.id })
 * ```
 */
export function createTokenIssuer(options: TokenIssuerOptions): TokenIssuer {
  if (!options || !Array.isArray(options.keys) || options.keys.length === 0) badOption('keys: give at least one signing key')
  const keys = options.keys.map((k, i) => (i === 0 ? parseKey(k) : parseKey(k, { allowPublic: true })))
  const seen = new Set<string>()
  for (const k of keys) {
    if (seen.has(k.kid)) badOption(`keys: kid "${k.kid}" appears twice`)
    seen.add(k.kid)
  }
  const signing = keys[0] as SigningKey
  const issuer = options.issuer ?? DEFAULT_ISSUER
  const audience = options.audience ?? DEFAULT_AUDIENCE
  if (typeof issuer !== 'string' || issuer.length === 0) badOption('issuer must be a non-empty string')
  if (typeof audience !== 'string' || audience.length === 0) badOption('audience must be a non-empty string')
  const maxTtl = options.maxTtl ?? DEFAULT_MAX_TTL
  const defaultTtl = options.defaultTtl ?? Math.min(DEFAULT_TOKEN_TTL, maxTtl)
  if (!isPositiveInt(maxTtl)) badOption('maxTtl must be a positive whole number of seconds')
  if (!isPositiveInt(defaultTtl) || defaultTtl > maxTtl) badOption(`defaultTtl must be a whole number of seconds in 1..${maxTtl}`)
  const defaultScope = normaliseScope(options.defaultScope ?? SCOPE_INGEST, (m) => badOption(`defaultScope: ${m}`))
  const publicJwks = toJwks(keys)

  let imported: Promise<CryptoKey | Uint8Array> | undefined
  const key = () => (imported ??= importSigningKey(signing).catch((err: unknown) => {
    imported = undefined
    throw err
  }))

  async function issue(request: IssueRequest): Promise<IssuedToken> {
    if (!request || typeof request.site !== 'string' || request.site.length === 0) badRequest('site is required')
    if (request.subject !== undefined && (typeof request.subject !== 'string' || request.subject.length === 0)) {
      badRequest('subject must be a non-empty string when given')
    }
    const ttl = request.ttl ?? defaultTtl
    if (!isPositiveInt(ttl) || ttl > maxTtl) badRequest(`ttl must be a whole number of seconds in 1..${maxTtl}, got ${String(ttl)}`)
    const scope = request.scope === undefined ? defaultScope : normaliseScope(request.scope)

    const iat = Math.floor(Date.now() / 1000)
    const exp = iat + ttl
    const jwt = new SignJWT({ [CLAIM_SITE]: request.site, [CLAIM_SCOPE]: scope })
      .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(crypto.randomUUID())
    if (request.subject !== undefined) jwt.setSubject(request.subject)
    const token = await jwt.sign(await key())
    return { token, expiresAt: exp * 1000 }
  }

  return {
    issue,
    jwks: () => structuredClone(publicJwks),
    kid: signing.kid,
    alg: signing.alg,
    issuer,
    audience,
  }
}
