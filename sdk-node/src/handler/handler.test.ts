import { once } from 'node:events'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Hono } from 'hono'
import { decodeJwt } from 'jose'
import { createTokenIssuer } from '../token/issuer.js'
import { generateSigningKey } from '../token/keys.js'
import { createTokenHandler, createNodeTokenHandler, deny } from './index.js'
import { tallyTokenRoute } from './hono.js'

const issuer = createTokenIssuer({ keys: [await generateSigningKey({ kid: 'k' })] })

describe('tallyTokenRoute (Hono)', () => {
  type E = { Variables: { user?: string } }
  function app(authorize: Parameters<typeof tallyTokenRoute<E>>[0]['authorize'], extra: object = {}) {
    const a = new Hono<E>()
    a.use(async (c, next) => {
      const user = c.req.header('x-user')
      if (user) c.set('user', user)
      await next()
    })
    a.get('/tally-token', tallyTokenRoute<E>({ issuer, authorize, ...extra }))
    return a
  }

  it('issues a 5-minute ingest token, not cacheable', async () => {
    const res = await app((c) => ({ site: 'shop', subject: c.get('user') })).request('/tally-token', { headers: { 'x-user': 'u1' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as { token: string; expiresAt: number; expiresIn: number }
    expect(body.expiresIn).toBe(300)
    const claims = decodeJwt(body.token)
    expect(claims).toMatchObject({ site: 'shop', sub: 'u1', scope: 'ingest' })
    expect(claims.exp! * 1000).toBe(body.expiresAt)
  })

  it('null is 401, deny() picks the status, both with an error body', async () => {
    const a = app((c) => (c.get('user') === undefined ? null : c.get('user') === 'banned' ? deny(403, 'banned') : { site: 's' }))
    const anon = await a.request('/tally-token')
    expect(anon.status).toBe(401)
    expect(anon.headers.get('cache-control')).toBe('no-store')
    expect(await anon.json()).toEqual({ error: { code: 'ERR_UNAUTHORIZED', message: 'not signed in' } })
    const banned = await a.request('/tally-token', { headers: { 'x-user': 'banned' } })
    expect(banned.status).toBe(403)
    expect(await banned.json()).toEqual({ error: { code: 'ERR_FORBIDDEN', message: 'banned' } })
  })

  it('grant ttl and scope override the defaults; errors are 500 and reported', async () => {
    const onError = vi.fn()
    const a = app((c) => (c.get('user') ? { site: 's', ttl: 60, scope: 'ingest read' } : { site: 's', ttl: 99_999 }), { onError })
    const ok = (await (await a.request('/tally-token', { headers: { 'x-user': 'x' } })).json()) as { token: string; expiresIn: number }
    expect(ok.expiresIn).toBe(60)
    expect(decodeJwt(ok.token).scope).toBe('ingest read')
    const bad = await a.request('/tally-token')
    expect(bad.status).toBe(500)
    expect(await bad.json()).toEqual({ error: { code: 'ERR_INTERNAL', message: 'could not issue a token' } })
    expect(onError).toHaveBeenCalledOnce()
  })

  it('a Response from authorize is passed through with no-store added', async () => {
    const res = await app(() => new Response('teapot', { status: 418 })).request('/tally-token')
    expect(res.status).toBe(418)
    expect(await res.text()).toBe('teapot')
    expect(res.headers.get('cache-control')).toBe('no-store')
  })

  it('checks options at start-up', () => {
    expect(() => tallyTokenRoute({ issuer: undefined as never, authorize: () => null })).toThrow(/issuer is required/)
    expect(() => tallyTokenRoute({ issuer, ttl: 0, authorize: () => null })).toThrow(/ttl/)
  })
})

describe('createTokenHandler (Fetch)', () => {
  it('answers GET and POST, 405 otherwise', async () => {
    const handler = createTokenHandler({ issuer, ttl: 120, authorize: (req) => ({ site: new URL(req.url).searchParams.get('site') ?? 'x' }) })
    const res = await handler(new Request('http://h/t?site=blog'))
    expect(decodeJwt(((await res.json()) as { token: string }).token)).toMatchObject({ site: 'blog' })
    expect((await handler(new Request('http://h/t', { method: 'POST' }))).status).toBe(200)
    const put = await handler(new Request('http://h/t', { method: 'PUT' }))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, POST')
  })
})

describe('createNodeTokenHandler (node:http, Express)', () => {
  let close: (() => void) | undefined
  afterEach(() => close?.())

  it('passes the framework request to authorize and writes the answer', async () => {
    type Req = IncomingMessage & { user?: { id: string } }
    const handler = createNodeTokenHandler<Req>({ issuer, authorize: (req) => (req.user ? { site: 's', subject: req.user.id } : null) })
    const server = createServer((req: Req, res) => {
      if (req.headers.authorization === 'Bearer good') req.user = { id: 'u9' } // what an auth middleware would do
      void handler(req, res)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    close = () => server.close()
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tally-token`
    const ok = await fetch(url, { headers: { authorization: 'Bearer good' } })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('cache-control')).toBe('no-store')
    expect(decodeJwt(((await ok.json()) as { token: string }).token).sub).toBe('u9')
    const anon = await fetch(url)
    expect(anon.status).toBe(401)
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(405)
  })
})
