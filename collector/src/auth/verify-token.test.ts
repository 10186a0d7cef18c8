import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { base64url, CompactSign, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import type { TokenErrorCode } from '../protocol/errors.js'
import { TokenError } from './errors.js'
import type { KeySpec } from './key-spec.js'
import { loadVerificationKeys, type KeyRing } from './keys.js'
import { createTokenVerifier, type TokenVerifierOptions } from './verify-token.js'

const NOW = Date.UTC(2025, 5, 1, 12) // the injected clock starts here
const T = NOW / 1000
const SECRET = 'test-secret-that-is-at-least-32-characters'
const OPTIONS = { issuer: 'tally-test', audience: 'tally', maxLifetimeSeconds: 3600, clockSkewSeconds: 30, knownSites: ['shop', 'blog'] }

type Pair = { publicKey: CryptoKey; privateKey: CryptoKey; jwk: JWK }
const pair = async (alg: 'EdDSA' | 'ES256'): Promise<Pair> => {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true })
  return { publicKey, privateKey, jwk: await exportJWK(publicKey) }
}
let ed: Pair, es: Pair, fromFile: Pair, dir: string, keys: KeyRing

beforeAll(async () => {
  ;[ed, es, fromFile] = await Promise.all([pair('EdDSA'), pair('ES256'), pair('EdDSA')])
  dir = await mkdtemp(join(tmpdir(), 'tally-auth-'))
  await writeFile(join(dir, 'jwks.json'), JSON.stringify({ keys: [{ ...fromFile.jwk, kid: 'file-ed', alg: 'EdDSA' }] }))
  keys = await loadVerificationKeys(
    [
      { kid: 'hs', alg: 'HS256', secret: SECRET },
      { kid: 'ed', alg: 'EdDSA', jwk: ed.jwk },
      { kid: 'es', alg: 'ES256', jwk: es.jwk, sites: ['shop'] },
      { jwks_file: 'jwks.json' },
    ],
    dir,
  )
})

/** Signs a token; `claims` entries set to undefined are left out. */
type Signer = { alg: string; key: CryptoKey | Uint8Array }
const HS: Signer = { alg: 'HS256', key: new TextEncoder().encode(SECRET) }
async function sign(kid: string | undefined, claims: Record<string, unknown> = {}, signer?: Signer) {
  signer ??= { hs: HS, ed: { alg: 'EdDSA', key: ed.privateKey }, es: { alg: 'ES256', key: es.privateKey }, 'file-ed': { alg: 'EdDSA', key: fromFile.privateKey } }[kid!]!
  const all: Record<string, unknown> = { iss: 'tally-test', aud: 'tally', site: 'shop', scope: 'ingest', sub: 'user-1', iat: T, exp: T + 600, ...claims }
  for (const name of Object.keys(all)) if (all[name] === undefined) delete all[name]
  return new SignJWT(all).setProtectedHeader({ alg: signer.alg, ...(kid !== undefined && { kid }) }).sign(signer.key)
}

function setup(extra: Partial<TokenVerifierOptions> = {}) {
  const clock = { ms: NOW }
  const verifier = createTokenVerifier({ keys, ...OPTIONS, now: () => clock.ms, ...extra })
  return { verifier, clock }
}

async function expectCode(promise: Promise<unknown>, code: TokenErrorCode) {
  const err = await promise.then(() => undefined, (e: unknown) => e)
  expect(err).toBeInstanceOf(TokenError)
  expect(err).toMatchObject({ code, status: 401 })
}

const unsigned = (header: object, payload: object) =>
  `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}.`

function tamper(token: string, claims: object) {
  const [h, p, s] = token.split('.') as [string, string, string]
  const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as object
  return `${h}.${base64url.encode(JSON.stringify({ ...payload, ...claims }))}.${s}`
}

describe('createTokenVerifier: rejections', () => {
  const cases: Array<[string, () => Promise<string | undefined>, TokenErrorCode]> = [
    ['missing token', async () => undefined, 'ERR_TOKEN_MISSING'],
    ['empty token', async () => '', 'ERR_TOKEN_MISSING'],
    ['garbage', async () => 'not-a-token', 'ERR_TOKEN_MALFORMED'],
    ['three garbage parts', async () => 'a.b.c', 'ERR_TOKEN_MALFORMED'],
    ['a JWE-shaped token', async () => 'a.b.c.d.e', 'ERR_TOKEN_MALFORMED'],
    ['signed, but the payload is not JSON', async () => new CompactSign(new TextEncoder().encode('nope')).setProtectedHeader({ alg: 'HS256', kid: 'hs' }).sign(HS.key), 'ERR_TOKEN_MALFORMED'],
    ['payload not JSON, bad signature', async () => (await sign('hs')).replace(/\.[^.]+\./, '.bm9wZQ.'), 'ERR_TOKEN_SIGNATURE'],
    ['too long', async () => `${await sign('hs')}${'A'.repeat(5000)}`, 'ERR_TOKEN_MALFORMED'],
    ['unknown kid', async () => sign('nope', {}, HS), 'ERR_TOKEN_UNKNOWN_KEY'],
    ['no kid', async () => sign(undefined, {}, HS), 'ERR_TOKEN_UNKNOWN_KEY'],
    ['alg none (unsigned)', async () => unsigned({ alg: 'none', kid: 'hs' }, { site: 'shop', scope: 'ingest', exp: T + 60 }), 'ERR_TOKEN_ALG'],
    ['HS256 signed with an EdDSA public key', async () => sign('ed', {}, { alg: 'HS256', key: new TextEncoder().encode(JSON.stringify(ed.jwk)) }), 'ERR_TOKEN_ALG'],
    ['HS256 signed with the raw public key bytes', async () => sign('ed', {}, { alg: 'HS256', key: base64url.decode(ed.jwk.x!) }), 'ERR_TOKEN_ALG'],
    ['ES256 token for the EdDSA key', async () => sign('ed', {}, { alg: 'ES256', key: es.privateKey }), 'ERR_TOKEN_ALG'],
    ['bad HS256 signature', async () => sign('hs', {}, { alg: 'HS256', key: new TextEncoder().encode(SECRET.toUpperCase()) }), 'ERR_TOKEN_SIGNATURE'],
    ['EdDSA signed by another key', async () => sign('ed', {}, { alg: 'EdDSA', key: fromFile.privateKey }), 'ERR_TOKEN_SIGNATURE'],
    ['tampered payload', async () => tamper(await sign('ed'), { site: 'blog' }), 'ERR_TOKEN_SIGNATURE'],
    ['expired (past the skew)', async () => sign('hs', { iat: T - 600, exp: T - 31 }), 'ERR_TOKEN_EXPIRED'],
    ['no exp', async () => sign('hs', { exp: undefined }), 'ERR_TOKEN_EXPIRED'],
    ['exp not a number', async () => sign('hs', { exp: 'later' }), 'ERR_TOKEN_EXPIRED'],
    ['not yet valid (past the skew)', async () => sign('hs', { nbf: T + 31 }), 'ERR_TOKEN_NOT_YET_VALID'],
    ['wrong iss', async () => sign('hs', { iss: 'someone-else' }), 'ERR_TOKEN_ISSUER'],
    ['no iss', async () => sign('hs', { iss: undefined }), 'ERR_TOKEN_ISSUER'],
    ['wrong aud', async () => sign('hs', { aud: 'other' }), 'ERR_TOKEN_AUDIENCE'],
    ['unknown site', async () => sign('hs', { site: 'nope' }), 'ERR_TOKEN_SITE'],
    ['no site', async () => sign('hs', { site: undefined }), 'ERR_TOKEN_SITE'],
    ['site not a string', async () => sign('hs', { site: ['shop'] }), 'ERR_TOKEN_SITE'],
    ['site not allowed for the key', async () => sign('es', { site: 'blog' }), 'ERR_TOKEN_SITE'],
    ['no scope', async () => sign('hs', { scope: undefined }), 'ERR_TOKEN_SCOPE'],
    ['another scope', async () => sign('hs', { scope: 'read' }), 'ERR_TOKEN_SCOPE'],
    ['a scope that only starts with ingest', async () => sign('hs', { scope: 'ingestion' }), 'ERR_TOKEN_SCOPE'],
    ['lifetime over the maximum', async () => sign('hs', { iat: T, exp: T + 3600 + 31 }), 'ERR_TOKEN_LIFETIME'],
    ['lifetime over the maximum, no iat', async () => sign('hs', { iat: undefined, exp: T + 4000 }), 'ERR_TOKEN_LIFETIME'],
    ['lifetime stretched by an iat in the future', async () => sign('hs', { iat: T + 4000, exp: T + 4060 }), 'ERR_TOKEN_LIFETIME'],
  ]
  it.each(cases)('%s', async (_name, make, code) => {
    await expectCode(setup().verifier.verify(await make()), code)
  })
})

describe('createTokenVerifier: acceptance', () => {
  it.each(['hs', 'ed', 'es', 'file-ed'])('accepts a token for key %s', async (kid) => {
    const verified = await setup().verifier.verify(await sign(kid))
    expect(verified).toEqual({ site: 'shop', subject: 'user-1', kid, expiresAt: (T + 600) * 1000, scopes: ['ingest'] })
  })

  it('tolerates the clock skew and extra scopes, and works without sub', async () => {
    const { verifier } = setup()
    const token = await sign('hs', { sub: undefined, scope: 'read ingest', nbf: T + 20, iat: T - 700, exp: T - 20, site: 'blog' })
    expect(await verifier.verify(token)).toEqual({ site: 'blog', kid: 'hs', expiresAt: (T - 20) * 1000, scopes: ['read', 'ingest'] })
  })

  it('exposes the scopes, split on spaces, so the route can tell a server token from a browser one', async () => {
    const { verifier } = setup()
    const verified = await verifier.verify(await sign('hs', { scope: 'ingest  server ingest' }))
    expect(verified.scopes).toEqual(['ingest', 'server'])
    expect(Object.isFrozen(verified.scopes)).toBe(true)
    expect((await verifier.verify(await sign('hs', { scope: 'ingest serverless' }))).scopes).not.toContain('server')
  })
})

describe('createTokenVerifier: cache', () => {
  it('answers a hot token from the cache, and refuses it once expired', async () => {
    const { verifier, clock } = setup()
    const token = await sign('ed', { exp: T + 60 })
    const first = await verifier.verify(token)
    expect(await verifier.verify(token)).toBe(first)
    clock.ms = (T + 60 + 30) * 1000 - 1 // still within the skew
    expect(await verifier.verify(token)).toBe(first)
    clock.ms += 1
    await expectCode(verifier.verify(token), 'ERR_TOKEN_EXPIRED')
    await expectCode(verifier.verify(token), 'ERR_TOKEN_EXPIRED') // and again, uncached
  })

  it('evicts the least recently used token beyond cacheSize', async () => {
    const { verifier } = setup({ cacheSize: 2 })
    const [a, b, c] = await Promise.all([sign('hs', { sub: 'a' }), sign('hs', { sub: 'b' }), sign('hs', { sub: 'c' })])
    const va = await verifier.verify(a)
    const vb = await verifier.verify(b)
    await verifier.verify(a) // a is now the most recently used
    await verifier.verify(c) // evicts b
    expect(await verifier.verify(a)).toBe(va)
    expect(await verifier.verify(b)).not.toBe(vb)
  })

  it('does not cache failures', async () => {
    const { verifier, clock } = setup()
    const token = await sign('hs', { nbf: T + 120 })
    await expectCode(verifier.verify(token), 'ERR_TOKEN_NOT_YET_VALID')
    clock.ms = (T + 120) * 1000
    expect((await verifier.verify(token)).site).toBe('shop')
  })
})

describe('start-up errors', () => {
  const load = (specs: KeySpec[]) => loadVerificationKeys(specs, dir)
  const writeJwks = async (name: string, jwks: unknown) => (await writeFile(join(dir, name), JSON.stringify(jwks)), name)

  it('refuses a private key in a JWKS file, naming kid and file', async () => {
    const jwk = { ...(await exportJWK(ed.privateKey)), kid: 'leaked', alg: 'EdDSA' }
    await expect(load([{ jwks_file: await writeJwks('private.json', { keys: [jwk] }) }])).rejects.toThrow(/key "leaked" in JWKS file ".*private\.json": is a private key/)
  })

  it('refuses a private key configured inline', async () => {
    await expect(load([{ kid: 'k', alg: 'EdDSA', jwk: await exportJWK(ed.privateKey) }])).rejects.toThrow(/key "k": is a private key/)
  })

  it('refuses a duplicate kid, also across a JWKS file', async () => {
    await expect(load([{ kid: 'x', alg: 'HS256', secret: SECRET }, { kid: 'x', alg: 'HS256', secret: SECRET }])).rejects.toThrow(/duplicate kid "x"/)
    await expect(load([{ kid: 'file-ed', alg: 'EdDSA', jwk: ed.jwk }, { jwks_file: 'jwks.json' }])).rejects.toThrow(/duplicate kid "file-ed"/)
  })

  it('refuses JWKS keys without kid or with another alg, a missing file, and a curve that does not match alg', async () => {
    await expect(load([{ jwks_file: await writeJwks('nokid.json', { keys: [{ ...ed.jwk, alg: 'EdDSA' }] }) }])).rejects.toThrow(/key #0 in JWKS file .*: needs a "kid"/)
    await expect(load([{ jwks_file: await writeJwks('rs.json', { keys: [{ ...ed.jwk, kid: 'r', alg: 'RS256' }] }) }])).rejects.toThrow(/key "r" in .*: needs "alg" EdDSA or ES256/)
    await expect(load([{ jwks_file: 'absent.json' }])).rejects.toThrow(/JWKS file ".*absent\.json": cannot read/)
    await expect(load([{ kid: 'c', alg: 'EdDSA', jwk: es.jwk }])).rejects.toThrow(/key "c": alg EdDSA needs a OKP Ed25519 public key/)
  })

  it('refuses a key restricted to a site that is not configured', () => {
    const ring = new Map([...keys].map(([kid, k]) => [kid, kid === 'es' ? { ...k, sites: new Set(['gone']) } : k]))
    expect(() => createTokenVerifier({ keys: ring, ...OPTIONS })).toThrow(/key "es": its sites list names "gone"/)
  })
})
