import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import { createTokenIssuer, generateSigningKey, toPublicJwk, type PrivateJwk } from '@tally/sdk-node'
import { createApp } from '../../examples/token-backend/app.js'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'

// The example backend (built package, as a user imports it) hands out tokens that a real collector accepts.
let c: CollectorProcess
let key: PrivateJwk

beforeAll(async () => {
  key = await generateSigningKey({ kid: 'example-backend' })
  c = await startCollector({ keys: [{ kid: key.kid, alg: 'EdDSA', jwk: toPublicJwk(key)! }] })
})
afterAll(async () => c?.cleanup())

describe('examples/token-backend', () => {
  it('anonymous, signed-in and banned visitors; the token is accepted by the collector', async () => {
    const app = createApp({ issuer: createTokenIssuer({ keys: [key] }), site: 'test' })
    const anon = await app.request('/tally-token')
    expect(anon.status).toBe(200)
    expect(anon.headers.get('cache-control')).toBe('no-store')
    const anonBody = (await anon.json()) as { token: string; expiresIn: number }
    expect(anonBody.expiresIn).toBe(300)
    expect(decodeJwt(anonBody.token).sub).toBeUndefined()

    const login = await app.request('/login', { method: 'POST', body: new URLSearchParams({ user: 'alice' }) })
    expect(login.status).toBe(302)
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const alice = (await (await app.request('/tally-token', { headers: { cookie } })).json()) as { token: string }
    expect(decodeJwt(alice.token)).toMatchObject({ sub: 'alice', site: 'test', scope: 'ingest' })

    expect((await app.request('/tally-token', { headers: { cookie: 'user=banned' } })).status).toBe(403)

    const res = await sendBatch(c.url, [pageview()], { token: alice.token, tokenInBody: true })
    expect(res.status).toBe(202)
  })

  it('serves its page', async () => {
    const app = createApp({ issuer: createTokenIssuer({ keys: [key] }), site: 'test', collectorUrl: c.url })
    const html = await (await app.request('/')).text()
    expect(html).toContain('/tally-token')
    expect(html).toContain(JSON.stringify(c.url))
  })
})
