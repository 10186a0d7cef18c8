import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js'

let target: Server
let targetUrl: string
const received: string[] = []
let proxy: FlakyProxy

beforeAll(async () => {
  target = createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => (body += c.toString()))
    req.on('end', () => {
      received.push(body)
      res.writeHead(202, { 'content-type': 'application/json', 'x-target': 'yes' })
      res.end(JSON.stringify({ echo: body, path: req.url, auth: req.headers.authorization ?? null }))
    })
  })
  target.listen(0, '127.0.0.1')
  await once(target, 'listening')
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`
  proxy = await startFlakyProxy({ target: targetUrl, recordBodies: true })
})
afterAll(async () => {
  await proxy.close()
  target.close()
})
beforeEach(() => {
  proxy.heal()
  received.length = 0
})

const post = (body: string) => fetch(`${proxy.url}/v1/batch?x=1`, { method: 'POST', body, headers: { authorization: 'Bearer t' } })

describe('flaky proxy', () => {
  it('forwards method, path, headers and body, and relays the answer', async () => {
    const res = await post('hello')
    expect(res.status).toBe(202)
    expect(res.headers.get('x-target')).toBe('yes')
    expect(await res.json()).toEqual({ echo: 'hello', path: '/v1/batch?x=1', auth: 'Bearer t' })
    expect(proxy.log.at(-1)).toMatchObject({ method: 'POST', path: '/v1/batch?x=1', outcome: 'forwarded', status: 202, body: 'hello' })
  })

  it('answers scripted statuses for the next N requests, in order', async () => {
    proxy.failNext(2, { status: 503, retryAfter: 1 })
    proxy.failNext(1, { status: 429, retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' })
    const a = await post('1')
    expect(a.status).toBe(503)
    expect(a.headers.get('retry-after')).toBe('1')
    expect(((await a.json()) as { error: { code: string } }).error.code).toBe('ERR_PROXY_503')
    expect((await post('2')).status).toBe(503)
    expect((await post('3')).status).toBe(429)
    expect((await post('4')).status).toBe(202)
    expect(received).toEqual(['4'])
  })

  it('fails everything during a time window', async () => {
    proxy.failFor(150, { status: 500 })
    expect((await post('a')).status).toBe(500)
    expect((await post('b')).status).toBe(500)
    await new Promise((r) => setTimeout(r, 200))
    expect((await post('c')).status).toBe(202)
    expect(received).toEqual(['c'])
  })

  it('drops connections before forwarding, or after (answer lost, request processed)', async () => {
    proxy.failNext(1, 'drop')
    proxy.failNext(1, 'drop-after')
    await expect(post('x')).rejects.toThrow()
    await expect(post('y')).rejects.toThrow()
    expect(received).toEqual(['y'])
    expect(proxy.count('dropped')).toBeGreaterThanOrEqual(1)
    expect(proxy.count('dropped-after')).toBeGreaterThanOrEqual(1)
    expect((await post('z')).status).toBe(202)
  })

  it('delays, and answers 502 when the target is down', async () => {
    proxy.failNext(1, { delayMs: 100 })
    const t0 = Date.now()
    expect((await post('slow')).status).toBe(202)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(95)
    proxy.setTarget('http://127.0.0.1:1')
    const res = await post('nowhere')
    expect(res.status).toBe(502)
    expect(proxy.log.at(-1)?.outcome).toBe('bad-gateway')
    proxy.setTarget(targetUrl)
  })
})
