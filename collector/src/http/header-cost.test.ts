import { describe, expect, it } from 'vitest'
import { adminCheck } from './admin-auth.js'
import { batchApp, fixtureToken, pageviewBody } from './batch-app.fixture.js'
import { clientIp } from './client-ip.js'
import { OriginPolicy } from './cors.js'

// Every header on the request path is read in time linear in its length. 100 KB is far
// beyond Node's default 16 KB header limit, so any deployment raising that limit is covered.
// The bound is generous (a noisy machine passes); the old Origin regex took seconds here.
const BOUND_MS = 100
const HUGE = 100_000
/** Slashes followed by a non-slash: the worst case of `/\/+$/` (it restarts at every slash). */
const hostileOrigin = 'https://shop.example' + '/'.repeat(HUGE) + 'x'

function timed(run: () => unknown): number {
  const start = performance.now()
  run()
  return performance.now() - start
}

async function timedAsync(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

describe('header handling in linear time', () => {
  it('a 100 KB Origin costs milliseconds in the origin policy (preflight and real request)', () => {
    const policy = new OriginPolicy([{ id: 'shop', origins: ['https://shop.example/'], cookieless: false }, { id: 'any', origins: ['*'], cookieless: false }])
    expect(timed(() => policy.allowsSomeSite(hostileOrigin))).toBeLessThan(BOUND_MS)
    expect(timed(() => policy.allows('shop', hostileOrigin))).toBeLessThan(BOUND_MS)
    // Absurdly long origins are refused even where any origin is allowed.
    expect(policy.allowsSomeSite(hostileOrigin)).toBe(false)
    expect(policy.allows('any', hostileOrigin)).toBe(false)
    // Trailing slashes and case still do not matter for real origins.
    expect(policy.allows('shop', 'HTTPS://Shop.Example//')).toBe(true)
    expect(policy.allows('shop', 'https://shop.example.evil')).toBe(false)
  })

  it('a batch with a 100 KB Origin is refused with 403 in milliseconds, and not echoed back whole', async () => {
    const { app } = await batchApp()
    const token = await fixtureToken()
    await app.request('/v1/batch', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: pageviewBody() }) // warm up
    let res: Response | undefined
    const ms = await timedAsync(async () => {
      res = await app.request('/v1/batch', { method: 'POST', headers: { authorization: `Bearer ${token}`, origin: hostileOrigin }, body: pageviewBody() })
    })
    expect(ms).toBeLessThan(BOUND_MS)
    expect(res!.status).toBe(403)
    expect(res!.headers.get('access-control-allow-origin')).toBeNull()
    const text = await res!.text()
    expect(text).toContain('ERR_ORIGIN_NOT_ALLOWED')
    expect(text.length).toBeLessThan(1_000)
  })

  it('100 KB Authorization, User-Agent and X-Forwarded-For headers cost milliseconds', async () => {
    const { app } = await batchApp({ trustProxy: true })
    const token = await fixtureToken()
    const send = (headers: Record<string, string>) => app.request('/v1/batch', { method: 'POST', headers, body: pageviewBody() })
    await send({ authorization: `Bearer ${token}` }) // warm up
    const cases: [string, Record<string, string>, number][] = [
      ['bearer of spaces', { authorization: `Bearer${' '.repeat(HUGE)}x y` }, 401],
      ['bearer of one long word', { authorization: `Bearer ${'x'.repeat(HUGE)}` }, 401],
      ['user agent', { authorization: `Bearer ${token}`, 'user-agent': `Mozilla/5.0 ${'('.repeat(HUGE / 2)}${' bot'.repeat(HUGE / 8)}` }, 202],
      ['forwarded-for of commas', { authorization: `Bearer ${token}`, 'x-forwarded-for': ','.repeat(HUGE) + '203.0.113.9' }, 202],
      ['forwarded-for of spaces', { authorization: `Bearer ${token}`, 'x-forwarded-for': `1.2.3.4,${' '.repeat(HUGE)}` }, 202],
    ]
    for (const [name, headers, status] of cases) {
      let res: Response | undefined
      const ms = await timedAsync(async () => (res = await send(headers)))
      expect({ name, status: res!.status, fast: ms < BOUND_MS }).toEqual({ name, status, fast: true })
    }
  })

  it('the admin check and the forwarded-for parse are linear on their own', () => {
    const requireAdmin = adminCheck('admin-token-of-some-length')
    expect(timed(() => expect(() => requireAdmin(`Bearer${' '.repeat(HUGE)}x`)).toThrow())).toBeLessThan(BOUND_MS)
    expect(timed(() => expect(() => requireAdmin(`bearer ${'\t'.repeat(HUGE)}`)).toThrow())).toBeLessThan(BOUND_MS)
    expect(timed(() => clientIp(','.repeat(HUGE), () => '', true))).toBeLessThan(BOUND_MS)
    expect(clientIp(`1.2.3.4, ${' '.repeat(HUGE)}198.51.100.20`, () => '', true)).toBe('198.51.100.20')
    expect(clientIp('1.2.3.4,', () => '10.0.0.7', true)).toBe('10.0.0.7')
  })
})
