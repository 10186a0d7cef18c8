import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose'
import { CLAIM_SCOPE, CLAIM_SITE, SCOPE_INGEST, TOKEN_ALGORITHMS } from '../protocol/claims.js'
import type { TokenErrorCode } from '../protocol/errors.js'
import { TokenError } from './errors.js'
import type { KeyRing, VerificationKey } from './keys.js'

/** What a valid token grants. Frozen; the same object is returned while cached. */
export interface VerifiedToken {
  readonly site: string
  readonly subject?: string
  readonly kid: string
  /** The token's `exp`, in ms since the epoch. */
  readonly expiresAt: number
  /** The token's scopes (its `scope` claim, split on spaces). */
  readonly scopes: ReadonlySet<string>
}

export interface TokenVerifierOptions {
  keys: KeyRing
  issuer: string
  audience: string
  /** Longest lifetime: `exp − iat`, and `exp − now`, may not exceed this (+ skew). */
  maxLifetimeSeconds: number
  clockSkewSeconds: number
  /** Site ids this collector serves; a token's `site` claim must be one of them. */
  knownSites: readonly string[]
  /** Most verified tokens remembered (LRU, each until its `exp`). Default 10 000; 0 turns caching off. */
  cacheSize?: number
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number
}

export interface TokenVerifier {
  /** Resolves with what the token grants, or rejects with a `TokenError` (401). */
  verify(token: string | undefined): Promise<VerifiedToken>
}

/** Longer strings are refused before any parsing; real tokens are a few hundred bytes. */
const MAX_TOKEN_LENGTH = 4096

/**
 * Checks a bearer token: `kid` names a configured key, `alg` is that key's pinned
 * algorithm (decided from the header before jose runs), then signature, `exp`
 * (required), `nbf`, `iss`, `aud`, site, `ingest` scope and lifetime. Verified tokens
 * are cached by their exact string until `exp` (+ skew); failures are never cached.
 *
 * @example
 * const verifier = createTokenVerifier({ keys, ...config.token, knownSites: config.sites.map((s) => s.id) })
 * const { site } = await verifier.verify(bearerToken) // throws TokenError
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { keys, issuer, audience, maxLifetimeSeconds, clockSkewSeconds: skew } = options
  const { cacheSize = 10_000, now = Date.now } = options
  const knownSites = new Set(options.knownSites)
  if (keys.size === 0) throw new Error('token verifier: no keys')
  if (knownSites.size === 0) throw new Error('token verifier: no knownSites')
  if (!(maxLifetimeSeconds > 0)) throw new Error('token verifier: maxLifetimeSeconds must be > 0')
  if (!(skew >= 0)) throw new Error('token verifier: clockSkewSeconds must be >= 0')
  if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new Error('token verifier: cacheSize must be an integer >= 0')
  for (const key of keys.values()) {
    for (const site of key.sites ?? []) {
      if (!knownSites.has(site)) throw new Error(`${key.source}: its sites list names "${site}", which is not a configured site`)
    }
  }
  const cache = new Map<string, { verified: VerifiedToken; until: number }>()

  async function verifyUncached(token: string, nowMs: number): Promise<VerifiedToken> {
    const key = pickKey(token, keys)
    let payload: JWTPayload
    try {
      ;({ payload } = await jwtVerify(token, key.key, {
        algorithms: [key.alg],
        issuer,
        audience,
        clockTolerance: skew,
        currentDate: new Date(nowMs),
        requiredClaims: ['exp'],
      }))
    } catch (err) {
      throw fromJose(err)
    }
    const site = payload[CLAIM_SITE]
    if (typeof site !== 'string' || !knownSites.has(site)) fail('ERR_TOKEN_SITE', 'token names no site this collector serves')
    if (key.sites && !key.sites.has(site)) fail('ERR_TOKEN_SITE', `key "${key.kid}" may not sign tokens for site "${site}"`)
    const scope = payload[CLAIM_SCOPE]
    const scopes: ReadonlySet<string> = new Set(typeof scope === 'string' ? scope.split(' ') : [])
    if (!scopes.has(SCOPE_INGEST)) {
      fail('ERR_TOKEN_SCOPE', `token lacks the "${SCOPE_INGEST}" scope`)
    }
    const exp = payload.exp as number // jose checked: present (requiredClaims) and a number
    const nowS = Math.floor(nowMs / 1000)
    // An iat in the future must not stretch the lifetime: measure from whichever is earlier.
    if (exp - Math.min(payload.iat ?? nowS, nowS) > maxLifetimeSeconds + skew) {
      fail('ERR_TOKEN_LIFETIME', `token lives longer than ${maxLifetimeSeconds} s`)
    }
    const { sub } = payload
    if (sub !== undefined && typeof sub !== 'string') fail('ERR_TOKEN_MALFORMED', 'token "sub" is not a string')
    return Object.freeze({ site, kid: key.kid, expiresAt: exp * 1000, scopes, ...(sub !== undefined && { subject: sub }) })
  }

  return {
    async verify(token) {
      if (!token) fail('ERR_TOKEN_MISSING', 'no token: send "Authorization: Bearer <token>"')
      const nowMs = now()
      const hit = cache.get(token)
      if (hit) {
        cache.delete(token)
        if (nowMs >= hit.until) fail('ERR_TOKEN_EXPIRED', 'token has expired')
        cache.set(token, hit) // most recently used goes last
        return hit.verified
      }
      if (token.length > MAX_TOKEN_LENGTH) fail('ERR_TOKEN_MALFORMED', `token is longer than ${MAX_TOKEN_LENGTH} characters`)
      const verified = await verifyUncached(token, nowMs)
      if (cacheSize > 0) {
        cache.set(token, { verified, until: verified.expiresAt + skew * 1000 })
        if (cache.size > cacheSize) cache.delete(cache.keys().next().value as string)
      }
      return verified
    },
  }
}

/** Finds the key from the header alone, and refuses any `alg` other than the key's pinned one. */
function pickKey(token: string, keys: KeyRing): VerificationKey {
  if (token.split('.').length !== 3) fail('ERR_TOKEN_MALFORMED', 'token is not a JWS in compact form')
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(token)
  } catch (cause) {
    fail('ERR_TOKEN_MALFORMED', 'token header is not valid base64url JSON', cause)
  }
  const { alg, kid } = header
  if (typeof alg !== 'string') fail('ERR_TOKEN_MALFORMED', 'token header has no "alg"')
  if (!(TOKEN_ALGORITHMS as readonly string[]).includes(alg)) fail('ERR_TOKEN_ALG', `token alg ${JSON.stringify(alg.slice(0, 32))} is not accepted`)
  const key = typeof kid === 'string' ? keys.get(kid) : undefined
  if (!key) {
    fail('ERR_TOKEN_UNKNOWN_KEY', typeof kid === 'string' ? `no key with kid ${JSON.stringify(kid.slice(0, 64))}` : 'token header has no "kid"')
  }
  if (alg !== key.alg) fail('ERR_TOKEN_ALG', `key "${key.kid}" verifies ${key.alg} only, the token says ${alg}`)
  return key
}

/** jose's error codes, mapped to ours one by one. Errors that are not jose's are bugs: rethrown. */
function fromJose(err: unknown): unknown {
  if (!(err instanceof errors.JOSEError)) return err
  const map = (code: TokenErrorCode, message: string) => new TokenError(code, message, { cause: err })
  switch (err.code) {
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return map('ERR_TOKEN_SIGNATURE', 'token signature does not verify')
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return map('ERR_TOKEN_ALG', 'token alg is not accepted')
    case 'ERR_JWT_EXPIRED':
      return map('ERR_TOKEN_EXPIRED', 'token has expired')
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim, reason } = err as errors.JWTClaimValidationFailed
      if (claim === 'exp') return map('ERR_TOKEN_EXPIRED', 'token needs a numeric "exp"')
      if (claim === 'nbf' && reason === 'check_failed') return map('ERR_TOKEN_NOT_YET_VALID', 'token is not valid yet (nbf)')
      if (claim === 'iss') return map('ERR_TOKEN_ISSUER', 'token issuer (iss) is not the expected one')
      if (claim === 'aud') return map('ERR_TOKEN_AUDIENCE', 'token audience (aud) is not the expected one')
      return map('ERR_TOKEN_MALFORMED', `token claim "${claim}" is invalid`)
    }
    default: // ERR_JWS_INVALID, ERR_JWT_INVALID, ERR_JOSE_NOT_SUPPORTED (e.g. unknown "crit")
      return map('ERR_TOKEN_MALFORMED', 'token is malformed')
  }
}

function fail(code: TokenErrorCode, message: string, cause?: unknown): never {
  throw new TokenError(code, message, cause === undefined ? undefined : { cause })
}
