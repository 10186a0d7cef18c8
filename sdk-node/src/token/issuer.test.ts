import { describe, expect, it } from 'vitest'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { CLAIM_SCOPE, CLAIM_SITE, DEFAULT_AUDIENCE, DEFAULT_ISSUER } from '@tally/collector/claims'
import { createTokenIssuer } from './issuer.js'
import { generateSigningKey, toJwks, toPublicJwk, type PrivateJwk } from './keys.js'
import { TallyError } from '../errors.js'

describe('createTokenIssuer', () => {
  for (const alg of ['EdDSA', 'ES256'] as const) {
    it(`issues ${alg} tokens that verify against its JWKS`, async () => {
      const key = await generateSigningKey({ alg, kid: `k-${alg}` })
      const issuer = createTokenIssuer({ keys: [key] })
      const before = Date.now()
      const { token, expiresAt } = await issuer.issue({ site: 'shop', subject: 'user-1' })
      expect(decodeProtectedHeader(token)).toEqual({ alg, kid: `k-${alg}`, typ: 'JWT' })
      const { payload } = await jwtVerify(token, createLocalJWKSet(issuer.jwks()), {
        algorithms: [alg],
        issuer: DEFAULT_ISSUER,
        audience: DEFAULT_AUDIENCE,
      })
      expect(payload[CLAIM_SITE]).toBe('shop')
      expect(payload[CLAIM_SCOPE]).toBe('ingest')
      expect(payload.sub).toBe('user-1')
      expect(payload.exp! - payload.iat!).toBe(300)
      expect(typeof payload.jti).toBe('string')
      expect(expiresAt).toBe(payload.exp! * 1000)
      expect(expiresAt).toBeGreaterThanOrEqual(before + 299_000)
    })
  }

  it('issues HS256 tokens with the shared secret', async () => {
    const key = await generateSigningKey({ alg: 'HS256', kid: 'h1' })
    expect(key.secret.length).toBeGreaterThanOrEqual(32)
    const issuer = createTokenIssuer({ keys: [key], issuer: 'me', audience: 'them' })
    const { token } = await issuer.issue({ site: 'a', ttl: 60, scope: ['ingest', 'read'] })
    const { payload } = await jwtVerify(token, new TextEncoder().encode(key.secret), { algorithms: ['HS256'], issuer: 'me', audience: 'them' })
    expect(payload.exp! - payload.iat!).toBe(60)
    expect(payload[CLAIM_SCOPE]).toBe('ingest read')
    expect(payload.sub).toBeUndefined()
    expect(issuer.jwks()).toEqual({ keys: [] })
  })

  it('signs with the first key and publishes every public key for rotation', async () => {
    const next = await generateSigningKey({ kid: 'new' })
    const old = await generateSigningKey({ alg: 'ES256', kid: 'old' })
    const issuer = createTokenIssuer({ keys: [JSON.stringify(next), toPublicJwk(old)!] })
    expect(issuer.kid).toBe('new')
    expect(issuer.jwks().keys.map((k) => k.kid)).toEqual(['new', 'old'])
    for (const k of issuer.jwks().keys) expect(k).not.toHaveProperty('d')
    const { token } = await issuer.issue({ site: 's' })
    expect(decodeProtectedHeader(token).kid).toBe('new')
    // A token made by the old key still verifies against the published set.
    const oldToken = await createTokenIssuer({ keys: [old] }).issue({ site: 's' })
    await expect(jwtVerify(oldToken.token, createLocalJWKSet(issuer.jwks()))).resolves.toBeTruthy()
  })

  it('refuses bad options at start-up', async () => {
    const key = await generateSigningKey()
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (err) {
        expect(err).toBeInstanceOf(TallyError)
        return (err as TallyError).code
      }
      return 'no error'
    }
    expect(code(() => createTokenIssuer({ keys: [] }))).toBe('ERR_OPTIONS_INVALID')
    expect(code(() => createTokenIssuer({ keys: [toPublicJwk(key)!] }))).toBe('ERR_KEY_INVALID')
    expect(code(() => createTokenIssuer({ keys: [key, key] }))).toBe('ERR_OPTIONS_INVALID')
    expect(code(() => createTokenIssuer({ keys: [{ kid: 'h', alg: 'HS256', secret: 'short' }] }))).toBe('ERR_KEY_INVALID')
    expect(code(() => createTokenIssuer({ keys: [{ ...key, kid: '' }] }))).toBe('ERR_KEY_INVALID')
    expect(code(() => createTokenIssuer({ keys: [{ ...key, alg: 'ES256' } as PrivateJwk] }))).toBe('ERR_KEY_INVALID')
    expect(code(() => createTokenIssuer({ keys: [key], defaultTtl: 7200 }))).toBe('ERR_OPTIONS_INVALID')
    expect(code(() => createTokenIssuer({ keys: [key], defaultScope: 'a "b"' }))).toBe('ERR_OPTIONS_INVALID')
    expect(code(() => createTokenIssuer({ keys: ['not json'] }))).toBe('ERR_KEY_INVALID')
  })

  it('refuses bad requests with ERR_TOKEN_REQUEST', async () => {
    const issuer = createTokenIssuer({ keys: [await generateSigningKey()], maxTtl: 600 })
    for (const bad of [{ site: '' }, { site: 's', ttl: 601 }, { site: 's', ttl: 1.5 }, { site: 's', scope: [] }, { site: 's', subject: '' }]) {
      await expect(issuer.issue(bad)).rejects.toMatchObject({ code: 'ERR_TOKEN_REQUEST' })
    }
  })

  it('reports a key that does not import when issuing', async () => {
    const key = await generateSigningKey()
    const issuer = createTokenIssuer({ keys: [{ ...key, d: 'AAAA' }] })
    await expect(issuer.issue({ site: 's' })).rejects.toMatchObject({ code: 'ERR_KEY_INVALID' })
  })

  it('jwks() returns a copy', async () => {
    const issuer = createTokenIssuer({ keys: [await generateSigningKey()] })
    issuer.jwks().keys.pop()
    expect(issuer.jwks().keys).toHaveLength(1)
    expect(toJwks([await generateSigningKey({ alg: 'HS256' })])).toEqual({ keys: [] })
  })
})
