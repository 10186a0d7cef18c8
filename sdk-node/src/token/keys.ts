import { base64url, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose'
import { TOKEN_ALGORITHMS, type TokenAlgorithm } from '@tally/collector/claims'
import { TallyError } from '../errors.js'

export type { TokenAlgorithm }

/** The public half of a {@link PrivateJwk}: what goes in the JWKS the collector loads. */
export interface PublicJwk {
  kty: 'OKP' | 'EC'
  crv: 'Ed25519' | 'P-256'
  kid: string
  alg: 'EdDSA' | 'ES256'
  x: string
  y?: string
  use?: 'sig'
  [other: string]: unknown
}

/**
 * A private asymmetric key, as a JWK with `kid` and `alg`: OKP/Ed25519 for `EdDSA`,
 * EC/P-256 for `ES256`. This is what `tally keygen` writes to `<kid>.private.json`.
 */
export interface PrivateJwk extends PublicJwk {
  /** The private part. Never publish it. */
  d: string
}

/**
 * A shared HS256 secret. The shape is the collector's own key config
 * (`{ kid, alg: 'HS256', secret }`), so the same JSON goes on both sides.
 * The secret is used as its UTF-8 bytes and needs at least 32 characters.
 */
export interface HmacKey {
  kid: string
  alg: 'HS256'
  secret: string
}

/** A key that can sign: a private JWK or an HS256 secret. */
export type SigningKey = PrivateJwk | HmacKey

/** The public JWKS document: `{ keys: [...] }`. Loadable by the collector as a `jwks_file`. */
export interface Jwks {
  keys: PublicJwk[]
}

const CURVE_OF = { EdDSA: { kty: 'OKP', crv: 'Ed25519' }, ES256: { kty: 'EC', crv: 'P-256' } } as const

/** Minimum length of an HS256 secret; the collector refuses shorter ones. */
export const MIN_SECRET_LENGTH = 32

function fail(message: string): never {
  throw new TallyError('ERR_KEY_INVALID', message)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Checks a key given as an object or as JSON text, and returns it typed. Accepts a
 * private JWK, a public JWK (`allowPublic`), an HS256 secret, or a JWKS with exactly
 * one key. `alg` may be left out of a JWK: it follows from the curve.
 * @throws TallyError `ERR_KEY_INVALID` naming what is wrong.
 */
export function parseKey(input: unknown, opts: { allowPublic: true }): SigningKey | PublicJwk
export function parseKey(input: unknown, opts?: { allowPublic?: false }): SigningKey
export function parseKey(input: unknown, opts: { allowPublic?: boolean } = {}): SigningKey | PublicJwk {
  let value = input
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      fail('a key must be a JSON object (a JWK or { kid, alg: "HS256", secret }); this text is not JSON')
    }
  }
  if (isRecord(value) && Array.isArray(value.keys)) {
    if (value.keys.length !== 1) fail(`expected one key, found a JWKS with ${value.keys.length}`)
    value = value.keys[0]
  }
  if (!isRecord(value)) fail('a key must be an object (a JWK or { kid, alg: "HS256", secret })')
  const kid = value.kid
  if (typeof kid !== 'string' || kid.length === 0) fail('a key needs a non-empty "kid": the collector finds keys by kid')

  if (value.alg === 'HS256' || value.kty === 'oct') {
    if (value.alg !== 'HS256') fail(`key "${kid}": a symmetric key must have alg "HS256"`)
    const secret = value.secret
    if (typeof secret !== 'string') fail(`key "${kid}": an HS256 key needs a "secret" string`)
    if (secret.length < MIN_SECRET_LENGTH) fail(`key "${kid}": an HS256 secret needs at least ${MIN_SECRET_LENGTH} characters`)
    return { kid, alg: 'HS256', secret }
  }

  const alg = value.alg ?? (value.crv === 'Ed25519' ? 'EdDSA' : value.crv === 'P-256' ? 'ES256' : undefined)
  if (alg !== 'EdDSA' && alg !== 'ES256') {
    fail(`key "${kid}": alg must be one of ${TOKEN_ALGORITHMS.join(', ')}, got ${JSON.stringify(value.alg ?? value.crv)}`)
  }
  const want = CURVE_OF[alg]
  if (value.kty !== want.kty || value.crv !== want.crv) fail(`key "${kid}": ${alg} needs a ${want.kty} ${want.crv} key`)
  if (typeof value.x !== 'string' || (alg === 'ES256' && typeof value.y !== 'string')) {
    fail(`key "${kid}": the JWK lacks its public coordinates`)
  }
  if (value.d !== undefined && typeof value.d !== 'string') fail(`key "${kid}": "d" must be a string`)
  if (value.d === undefined && !opts.allowPublic) fail(`key "${kid}" is a public key; signing needs the private JWK (with "d")`)
  return { ...value, kid, alg } as SigningKey | PublicJwk
}

/** True for an HS256 secret. */
export function isHmacKey(key: SigningKey | PublicJwk): key is HmacKey {
  return key.alg === 'HS256'
}

/** The public JWK of a private one (drops `d`); `undefined` for an HS256 secret, which has no public part. */
export function toPublicJwk(key: SigningKey | PublicJwk): PublicJwk | undefined {
  if (isHmacKey(key)) return undefined
  const { kty, crv, kid, alg, x, y } = key
  return y === undefined ? { kty, crv, kid, alg, use: 'sig', x } : { kty, crv, kid, alg, use: 'sig', x, y }
}

/**
 * The public JWKS of some keys, in order; HS256 secrets are left out. Write it to a
 * file and configure the collector with `{ "jwks_file": "<path>" }`.
 */
export function toJwks(keys: readonly (SigningKey | PublicJwk)[]): Jwks {
  return { keys: keys.map(toPublicJwk).filter((k): k is PublicJwk => k !== undefined) }
}

/** Imports a signing key for jose (WebCrypto `CryptoKey`, or the secret's bytes for HS256). */
export async function importSigningKey(key: SigningKey): Promise<CryptoKey | Uint8Array> {
  // A pre-imported HMAC key signs about twice as fast as raw bytes, which jose would import on every call.
  if (isHmacKey(key)) return crypto.subtle.importKey('raw', new TextEncoder().encode(key.secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  try {
    return (await importJWK(key as JWK, key.alg)) as CryptoKey
  } catch (cause) {
    throw new TallyError('ERR_KEY_INVALID', `key "${key.kid}": cannot import the ${key.alg} JWK: ${(cause as Error).message}`, { cause })
  }
}

export interface GenerateKeyOptions {
  /** Algorithm. Default `'EdDSA'` (Ed25519: small, fast, no parameter choices). */
  alg?: TokenAlgorithm
  /** Key id. Default: `<alg>-<YYYYMMDD>-<8 hex>`, e.g. `eddsa-20250601-1a2b3c4d`. */
  kid?: string
}

/** A kid that sorts by date and says what the key is. */
export function defaultKid(alg: TokenAlgorithm, now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '')
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('')
  return `${alg.toLowerCase()}-${day}-${rand}`
}

/**
 * Generates a new signing key: a private JWK for EdDSA/ES256, or a random 256-bit
 * secret (base64url, 43 characters) for HS256.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey({ alg: 'EdDSA', kid: 'web-2025-06' })
 * await writeFile('tally.private.json', JSON.stringify(key), { mode: 0o600 })
 * await writeFile('tally.jwks.json', JSON.stringify(toJwks([key])))
 * ```
 */
export async function generateSigningKey(options: { alg: 'HS256'; kid?: string }): Promise<HmacKey>
export async function generateSigningKey(options?: { alg?: 'EdDSA' | 'ES256'; kid?: string }): Promise<PrivateJwk>
export async function generateSigningKey(options?: GenerateKeyOptions): Promise<SigningKey>
export async function generateSigningKey(options: GenerateKeyOptions = {}): Promise<SigningKey> {
  const alg = options.alg ?? 'EdDSA'
  if (!TOKEN_ALGORITHMS.includes(alg)) fail(`alg must be one of ${TOKEN_ALGORITHMS.join(', ')}, got ${JSON.stringify(alg)}`)
  const kid = options.kid ?? defaultKid(alg)
  if (kid.length === 0) fail('kid must not be empty')
  if (alg === 'HS256') {
    const bytes = crypto.getRandomValues(new Uint8Array(32))
    return { kid, alg, secret: base64url.encode(bytes) }
  }
  const { privateKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = await exportJWK(privateKey)
  return { kty: jwk.kty, crv: jwk.crv, kid, alg, use: 'sig', x: jwk.x, ...(jwk.y ? { y: jwk.y } : {}), d: jwk.d } as PrivateJwk
}
