import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SignJWT } from 'jose'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy.js'
import { createTallyNode, createTokenIssuer, generateSigningKey, SERVER_TRACKING_SCOPE, toPublicJwk, type HmacKey, type PrivateJwk, type WireEvent } from '../../sdk-node/src/index.js'
import { exactlyOnce, newRun, sleep, storedIds } from './helpers.js'

// sdk-node's tracking client against a real collector (embedded engine): exactly once,
// close() delivers, tokens refreshed mid-stream, overflow reported.
let c: CollectorProcess
let proxy: FlakyProxy
let ed: PrivateJwk
let hs: HmacKey

beforeAll(async () => {
  ed = await generateSigningKey({ kid: 'node-ed' })
  hs = await generateSigningKey({ alg: 'HS256', kid: 'node-hs' })
  // No clock skew: a token past its `exp` is refused at once, as in the worst case.
  c = await startCollector({ keys: [{ kid: ed.kid, alg: 'EdDSA', jwk: toPublicJwk(ed)! }, hs], env: { TALLY_CLOCK_SKEW: '0' } })
  proxy = await startFlakyProxy({ target: c.url })
})
afterAll(async () => {
  await proxy?.close()
  await c?.cleanup()
})

describe('sdk-node → collector', () => {
  it('1,000 events of every kind arrive exactly once; close() resolves after all were acknowledged', async () => {
    const run = newRun('once')
    const tally = createTallyNode({ endpoint: c.url, signingKey: ed, site: 'test' })
    const ids: string[] = []
    for (let i = 0; i < 1000; i++) {
      if (i % 10 === 0) ids.push(tally.page(`https://shop.example/p/${i}`, { anonymousId: `v${i % 7}`, props: { run } }))
      else if (i % 25 === 1) ids.push(tally.identify(`user-${i}`, { run, plan: 'pro' }, { anonymousId: `v${i % 7}` }))
      else ids.push(tally.track('add_to_cart', { run, i, price: 9.99, gift: i % 2 === 0 }, { userId: `user-${i % 13}` }))
    }
    const t0 = Date.now()
    expect(await tally.close()).toEqual({ delivered: true, unsent: 0 })
    const closeMs = Date.now() - t0
    expect(tally.stats()).toMatchObject({ queued: 0, sent: 1000, dropped: 0 })
    const stored = await storedIds(c, run, 1000)
    expect(exactlyOnce(stored, ids)).toBe('')
    const [row] = await c.sql<{ source: string; types: string[] }>(
      `SELECT any(source) AS source, groupUniqArray(type) AS types FROM tally.events WHERE props['run'] = {run:String}`,
      { run },
    )
    expect(row!.source).toBe('server')
    expect([...row!.types].sort()).toEqual(['identify', 'pageview', 'track'])
    console.log(`[node-sdk] 1000 events tracked, close() took ${closeMs} ms`)
  })

  it('a token expiring mid-stream is refreshed, proactively and after a 401, without loss', async () => {
    const run = newRun('refresh')
    const issuer = createTokenIssuer({ keys: [hs] })
    let calls = 0
    const getToken = async () => {
      calls++
      if (calls === 3) {
        // A token that says it is good for a minute but expired long ago (a backend with a bad clock):
        // the collector answers 401, the client fetches another at once and resends.
        const now = Math.floor(Date.now() / 1000)
        const token = await new SignJWT({ site: 'test', scope: 'ingest' })
          .setProtectedHeader({ alg: 'HS256', kid: hs.kid })
          .setIssuer('tally-dev')
          .setAudience('tally')
          .setIssuedAt(now - 120)
          .setExpirationTime(now - 60)
          .sign(new TextEncoder().encode(hs.secret))
        return { token, expiresAt: Date.now() + 60_000 }
      }
      return issuer.issue({ site: 'test', ttl: 2 })
    }
    const before = proxy.log.length
    const tally = createTallyNode({ endpoint: proxy.url, getToken, flushAt: 5, flushInterval: 100 })
    const ids: string[] = []
    for (let i = 0; i < 30; i++) {
      ids.push(tally.track('tick', { run, i }))
      await sleep(120) // 3.6 s: two-second tokens must be renewed twice or more
    }
    expect(await tally.close()).toEqual({ delivered: true, unsent: 0 })
    const statuses = proxy.log.slice(before).map((e) => e.status)
    expect(statuses.filter((s) => s === 401)).toHaveLength(1) // the bad token, once; then a fresh one
    expect(statuses.every((s) => s === 202 || s === 401)).toBe(true)
    expect(calls).toBeGreaterThanOrEqual(4)
    expect(exactlyOnce(await storedIds(c, run, 30), ids)).toBe('')
  })

  it('getToken with sdk-node’s issuer and the server scope sends server events; a browser token’s are browser events', async () => {
    const issuer = createTokenIssuer({ keys: [hs] })
    const sourceOf = async (run: string) => {
      await storedIds(c, run, 1)
      const [row] = await c.sql<{ source: string }>(`SELECT any(source) AS source FROM tally.events WHERE props['run'] = {run:String}`, { run })
      return row!.source
    }
    const server = createTallyNode({ endpoint: c.url, getToken: () => issuer.issue({ site: 'test', scope: SERVER_TRACKING_SCOPE }) })
    const asServer = newRun('scope-server')
    server.track('tick', { run: asServer })
    const browser = createTallyNode({ endpoint: c.url, getToken: () => issuer.issue({ site: 'test' }) })
    const asBrowser = newRun('scope-browser')
    browser.track('tick', { run: asBrowser })
    await Promise.all([server.close(), browser.close()])
    expect(await sourceOf(asServer)).toBe('server')
    expect(await sourceOf(asBrowser)).toBe('browser') // it said "server"; its token may not
  })

  it('overflow is reported (callback and counter), never silent; the survivors arrive once', async () => {
    const run = newRun('overflow')
    proxy.failFor(60_000, { status: 503, retryAfter: 1 })
    const dropped: WireEvent[] = []
    const tally = createTallyNode({
      endpoint: proxy.url,
      token: await c.token(),
      maxQueueEvents: 50,
      flushAt: 10,
      backoff: { base: 100, max: 200 },
      onDrop: (events, reason) => reason === 'overflow' && dropped.push(...events),
    })
    const ids = Array.from({ length: 80 }, (_, i) => tally.track('burst', { run, i }))
    await sleep(300)
    expect(tally.stats()).toMatchObject({ overflowed: 30, dropped: 30, queued: 50 })
    // The oldest *waiting* events made room (the first batch was in flight, so it was kept).
    const first = ids.indexOf(dropped[0]!.id)
    expect(dropped.map((e) => e.id)).toEqual(ids.slice(first, first + 30))
    const survivors = ids.filter((id) => !dropped.some((e) => e.id === id))
    proxy.heal()
    expect(await tally.close({ timeout: 10_000 })).toEqual({ delivered: true, unsent: 0 })
    expect(exactlyOnce(await storedIds(c, run, 50), survivors)).toBe('')
  })

  it('close() with the collector unreachable reports the events it could not deliver', async () => {
    const run = newRun('unsent')
    proxy.failFor(60_000, { status: 503, retryAfter: 5 })
    const unsent: WireEvent[] = []
    const tally = createTallyNode({ endpoint: proxy.url, token: await c.token(), onDrop: (events, reason) => reason === 'unsent' && unsent.push(...events) })
    const ids = Array.from({ length: 5 }, (_, i) => tally.track('lost', { run, i }))
    const t0 = Date.now()
    expect(await tally.close({ timeout: 500 })).toEqual({ delivered: false, unsent: 5 })
    expect(Date.now() - t0).toBeLessThan(1500)
    expect(unsent.map((e) => e.id)).toEqual(ids)
    proxy.heal()
  })
})
