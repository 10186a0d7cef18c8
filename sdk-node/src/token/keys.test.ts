import { describe, expect, it } from 'vitest'
import { defaultKid, generateSigningKey, parseKey, toJwks, toPublicJwk } from './keys.js'

describe('keys', () => {
  it('generates keys with the right shapes', async () => {
    const ed = await generateSigningKey()
    expect(ed).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    expect(ed.kid).toMatch(/^eddsa-\d{8}-[0-9a-f]{8}$/)
    const ec = await generateSigningKey({ alg: 'ES256', kid: 'e' })
    expect(ec).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: 'e' })
    expect(typeof ec.y).toBe('string')
    const hs = await generateSigningKey({ alg: 'HS256', kid: 'h' })
    expect(Object.keys(hs).sort()).toEqual(['alg', 'kid', 'secret'])
    expect(hs.secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('infers alg from the curve and takes a one-key JWKS', async () => {
    const ec = await generateSigningKey({ alg: 'ES256', kid: 'e' })
    const { alg: _alg, ...noAlg } = ec
    expect(parseKey(noAlg).alg).toBe('ES256')
    expect(parseKey({ keys: [ec] }).kid).toBe('e')
    expect(() => parseKey({ keys: [ec, ec] })).toThrow(/one key/)
  })

  it('public JWK drops the private part', async () => {
    const ed = await generateSigningKey({ kid: 'x' })
    const pub = toPublicJwk(ed)!
    expect(pub).not.toHaveProperty('d')
    expect(parseKey(pub, { allowPublic: true })).toEqual(pub)
    expect(() => parseKey(pub)).toThrow(/private JWK/)
    expect(toJwks([ed]).keys).toEqual([pub])
  })

  it('kids sort by date', () => {
    expect(defaultKid('ES256', new Date('2025-06-01T00:00:00Z'))).toMatch(/^es256-20250601-/)
  })
})
