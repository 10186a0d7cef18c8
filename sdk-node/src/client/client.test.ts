import { describe, expect, it, vi } from 'vitest'
import { decodeJwt, jwtVerify } from 'jose'
import type { TransportRequest, TransportResponse, WireEvent } from '@tally/sdk-browser/core'
import { createTallyNode } from './client.js'
import type { TallyNodeOptions } from './options.js'
import { generateSigningKey } from '../token/keys.js'
import { TallyError } from '../errors.js'

type Reply = TransportResponse | 'network' | Promise<TransportResponse>

/** A transport that records requests and answers from a script (then 202). */
function fakeTransport(script: Reply[] = []) {
  const requests: { req: TransportRequest; events: WireEvent[]; at: number }[] = []
  const transport = async (req: TransportRequest): Promise<TransportResponse> => {
    const body = JSON.parse(req.body) as { events: WireEvent[] }
    requests.push({ req, events: body.events, at: Date.now() })
    const next = script.shift()
    if (next === 'network') throw new TypeError('fetch failed')
    if (next) return next
    return { status: 202, body: JSON.stringify({ accepted: body.events.length, rejected: [] }) }
  }
  const delivered = () => requests.flatMap((r) => r.events.map((e) => e.id))
  return { transport, requests, delivered }
}

const base = (over: Partial<TallyNodeOptions> = {}): TallyNodeOptions => ({
  endpoint: 'http://collector.test',
  token: 'static-token',
  backoff: { base: 10, max: 40 },
  onDrop: () => {},
  ...over,
})

describe('createTallyNode: events', () => {
  it('builds track, page and identify events with client-made UUIDs', async () => {
    const t = fakeTransport()
    const tally = createTallyNode(base({ transport: t.transport }))
    const a = tally.track('signup', { plan: 'pro', seats: 3, trial: false }, { userId: 'u1', anonymousId: 'anon-1', timestamp: new Date(1_700_000_000_000) })
    const b = tally.page('https://shop.example/p', { referrer: 'https://google.com/', title: 'P', props: { ab: 'x' } })
    const c = tally.identify('u1', { plan: 'pro' }, { anonymousId: 'anon-1' })
    expect(new Set([a, b, c]).size).toBe(3)
    for (const id of [a, b, c]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    await tally.close()
    const [req] = t.requests
    expect(req!.req.url).toBe('http://collector.test/v1/batch')
    expect(req!.req.headers.authorization).toBe('Bearer static-token')
    expect(JSON.parse(req!.req.body).source).toBe('server')
    expect(req!.events).toEqual([
      { id: a, type: 'track', name: 'signup', ts: 1_700_000_000_000, anon_id: 'anon-1', user_id: 'u1', props: { plan: 'pro', seats: 3, trial: false } },
      { id: b, type: 'pageview', name: 'pageview', ts: expect.any(Number), url: 'https://shop.example/p', referrer: 'https://google.com/', title: 'P', props: { ab: 'x' } },
      { id: c, type: 'identify', name: 'identify', ts: expect.any(Number), anon_id: 'anon-1', user_id: 'u1', props: { plan: 'pro' } },
    ])
  })

  it('keeps a given id, and throws at the call site for programming mistakes', async () => {
    const tally = createTallyNode(base({ transport: fakeTransport().transport }))
    const id = '0b7e3f52-8f0e-4b9a-9f6d-1b2c3d4e5f60'
    expect(tally.track('x', undefined, { id })).toBe(id)
    const code = (fn: () => unknown) => {
      try {
        fn()
      } catch (e) {
        return (e as TallyError).code
      }
    }
    expect(code(() => tally.track(''))).toBe('ERR_EVENT_INVALID')
    expect(code(() => tally.track('x', undefined, { id: 'order-1' }))).toBe('ERR_EVENT_INVALID')
    expect(code(() => tally.track('x', undefined, { timestamp: Number.NaN }))).toBe('ERR_EVENT_INVALID')
    expect(code(() => tally.identify(''))).toBe('ERR_EVENT_INVALID')
    expect(code(() => tally.track('x', [] as never))).toBe('ERR_EVENT_INVALID')
    await tally.close()
  })

  it('checks options at start-up', () => {
    const msg = (o: Partial<TallyNodeOptions>) => {
      try {
        createTallyNode({ ...base(), ...o })
      } catch (e) {
        expect(e).toBeInstanceOf(TallyError)
        return (e as Error).message
      }
    }
    expect(msg({ endpoint: 'collector' })).toMatch(/endpoint/)
    expect(msg({ getToken: async () => ({ token: 't', expiresAt: 0 }) })).toMatch(/exactly one/)
    expect(msg({ token: undefined })).toMatch(/exactly one/)
    expect(msg({ token: undefined, signingKey: 'x' })).toMatch(/needs site/)
    expect(msg({ flushAt: 0 })).toMatch(/flushAt/)
  })
})

describe('createTallyNode: batching', () => {
  it('by count, by time and by bytes', async () => {
    const t = fakeTransport()
    const tally = createTallyNode(base({ transport: t.transport, flushAt: 3, flushInterval: 30 }))
    tally.track('a')
    tally.track('b')
    expect(t.requests).toHaveLength(0)
    tally.track('c') // count reached
    await vi.waitFor(() => expect(t.requests).toHaveLength(1))
    expect(t.requests[0]!.events).toHaveLength(3)
    tally.track('d') // time: alone, after flushInterval
    await vi.waitFor(() => expect(t.requests).toHaveLength(2))
    expect(t.requests[1]!.at - t.requests[0]!.at).toBeGreaterThanOrEqual(20)
    await tally.close()

    const big = fakeTransport()
    const bytes = createTallyNode(base({ transport: big.transport, flushAt: 1000, maxBodyBytes: 3000 }))
    for (let i = 0; i < 10; i++) bytes.track('blob', { s: 'x'.repeat(900) })
    await bytes.flush()
    expect(big.requests.length).toBeGreaterThanOrEqual(4)
    for (const r of big.requests) expect(Buffer.byteLength(r.req.body)).toBeLessThanOrEqual(3000)
    expect(big.delivered()).toHaveLength(10)
    await bytes.close()
  })
})

describe('createTallyNode: retries', () => {
  it('retries network errors, 5xx, 408 and 429 with the same ids, honouring Retry-After', async () => {
    const t = fakeTransport(['network', { status: 503, retryAfter: '0' }, { status: 500 }, { status: 408 }, { status: 429, retryAfter: '0' }])
    const errors: string[] = []
    const tally = createTallyNode(base({ transport: t.transport, onError: (o) => errors.push(`${o.kind}:${o.status ?? o.code}`) }))
    const ids = [tally.track('a'), tally.track('b')]
    const res = await tally.close({ timeout: 5000 })
    expect(res).toEqual({ delivered: true, unsent: 0 })
    expect(t.requests).toHaveLength(6)
    for (const r of t.requests) expect(r.events.map((e) => e.id)).toEqual(ids)
    expect(errors).toEqual(['retry:ERR_NETWORK', 'retry:503', 'retry:500', 'retry:408', 'retry:429'])
    expect(tally.stats()).toMatchObject({ queued: 0, sent: 2, dropped: 0 })
  })

  it('a Retry-After is waited out', async () => {
    const t = fakeTransport([{ status: 503, retryAfter: '1' }])
    const tally = createTallyNode(base({ transport: t.transport }))
    tally.track('a')
    await tally.close({ timeout: 5000 })
    expect(t.requests).toHaveLength(2)
    expect(t.requests[1]!.at - t.requests[0]!.at).toBeGreaterThanOrEqual(950)
  })

  it('other 4xx are final and reported with the collector’s code', async () => {
    const body = JSON.stringify({ error: { code: 'ERR_BATCH_INVALID', message: 'events.0: bad' } })
    const t = fakeTransport([{ status: 400, body }])
    const onDrop = vi.fn()
    const tally = createTallyNode(base({ transport: t.transport, onDrop }))
    const id = tally.track('a')
    await tally.flush()
    expect(onDrop).toHaveBeenCalledWith([expect.objectContaining({ id })], 'final', 'ERR_BATCH_INVALID')
    expect(t.requests).toHaveLength(1)
    expect(tally.stats()).toMatchObject({ queued: 0, sent: 0, dropped: 1, droppedBy: expect.objectContaining({ final: 1 }) })
    await tally.close()
  })

  it('events the collector quarantines are reported as rejected', async () => {
    const t = fakeTransport([{ status: 202, body: JSON.stringify({ accepted: 1, rejected: [{ index: 1, reason: 'props_too_many' }] }) }])
    const onDrop = vi.fn()
    const tally = createTallyNode(base({ transport: t.transport, onDrop }))
    tally.track('ok')
    const bad = tally.track('bad')
    await tally.close()
    expect(onDrop).toHaveBeenCalledWith([expect.objectContaining({ id: bad })], 'rejected', 'props_too_many')
  })
})

describe('createTallyNode: tokens', () => {
  it('signs its own tokens with signingKey', async () => {
    const key = await generateSigningKey({ kid: 'srv' })
    const t = fakeTransport()
    const tally = createTallyNode(base({ token: undefined, signingKey: JSON.stringify(key), site: 'shop', tokenClaims: { subject: 'billing', ttl: 120 }, transport: t.transport }))
    tally.track('a')
    await tally.close()
    const token = t.requests[0]!.req.headers.authorization!.replace('Bearer ', '')
    expect(decodeJwt(token)).toMatchObject({ site: 'shop', sub: 'billing', scope: 'ingest server orders', iss: 'tally-dev', aud: 'tally' })
    const { importJWK } = await import('jose')
    await jwtVerify(token, await importJWK({ ...key, d: undefined }, 'EdDSA'))
  })

  it('refreshes before expiry, and once more on a 401 (the events stay queued)', async () => {
    let n = 0
    const getToken = vi.fn(async () => ({ token: `t${++n}`, expiresAt: Date.now() + 200 }))
    const t = fakeTransport([{ status: 202, body: '{"accepted":1,"rejected":[]}' }, { status: 401, body: JSON.stringify({ error: { code: 'ERR_TOKEN_EXPIRED', message: '' } }) }])
    const tally = createTallyNode(base({ token: undefined, getToken, transport: t.transport, flushAt: 1 }))
    tally.track('a')
    await vi.waitFor(() => expect(t.requests).toHaveLength(1))
    await new Promise((r) => setTimeout(r, 150)) // past half-life: the cached token is renewed
    tally.track('b')
    await tally.close()
    const auth = t.requests.map((r) => r.req.headers.authorization)
    expect(auth).toEqual(['Bearer t1', 'Bearer t2', 'Bearer t3'])
    expect(t.requests[2]!.events).toEqual(t.requests[1]!.events)
    expect(getToken).toHaveBeenCalledTimes(3)
  })

  it('a token callback that fails is retried later; nothing is lost', async () => {
    let fail = 2
    const getToken = async () => {
      if (fail-- > 0) throw new Error('token backend down')
      return { token: 'ok', expiresAt: Date.now() + 60_000 }
    }
    const t = fakeTransport()
    const tally = createTallyNode(base({ token: undefined, getToken, transport: t.transport }))
    tally.track('a')
    expect(await tally.close({ timeout: 3000 })).toEqual({ delivered: true, unsent: 0 })
    expect(t.delivered()).toHaveLength(1)
  })
})

describe('createTallyNode: queue, flush and close', () => {
  it('overflow drops the oldest waiting events and reports them', async () => {
    const t = fakeTransport(['network', 'network', 'network'])
    const onDrop = vi.fn()
    const tally = createTallyNode(base({ transport: t.transport, maxQueueEvents: 5, flushAt: 1000, onDrop }))
    const ids = Array.from({ length: 8 }, (_, i) => tally.track(`e${i}`))
    expect(tally.stats()).toMatchObject({ queued: 5, overflowed: 3, dropped: 3 })
    expect(onDrop.mock.calls.map(([events, reason]) => [events[0].id, reason])).toEqual(ids.slice(0, 3).map((id) => [id, 'overflow']))
    await tally.close({ timeout: 3000 })
    expect(t.delivered().filter((id, i, all) => all.indexOf(id) === i)).toEqual(ids.slice(3))
  })

  it('close() waits for the request in flight', async () => {
    let release!: () => void
    const slow = new Promise<TransportResponse>((r) => (release = () => r({ status: 202, body: '{"accepted":1,"rejected":[]}' })))
    const t = fakeTransport([slow])
    const tally = createTallyNode(base({ transport: t.transport, flushAt: 1 }))
    tally.track('a')
    let done = false
    const closing = tally.close().then((r) => ((done = true), r))
    await new Promise((r) => setTimeout(r, 50))
    expect(done).toBe(false)
    release()
    expect(await closing).toEqual({ delivered: true, unsent: 0 })
    expect(tally.close()).toBe(tally.close())
  })

  it('close({ timeout }) gives up on time, reports what is left, and drops later calls', async () => {
    const hang = new Promise<TransportResponse>(() => {})
    const onDrop = vi.fn()
    const tally = createTallyNode(base({ transport: () => hang, onDrop }))
    const id = tally.track('a')
    const t0 = Date.now()
    expect(await tally.close({ timeout: 200 })).toEqual({ delivered: false, unsent: 1 })
    expect(Date.now() - t0).toBeLessThan(1000)
    expect(onDrop).toHaveBeenCalledWith([expect.objectContaining({ id })], 'unsent', expect.stringMatching(/close\(\) timed out/))
    tally.track('late')
    expect(onDrop).toHaveBeenLastCalledWith([expect.objectContaining({ name: 'late' })], 'closed', undefined)
    expect(tally.stats().droppedBy).toMatchObject({ unsent: 1, closed: 1 })
  })

  it('the default transport times out a hanging request and retries it', async () => {
    let calls = 0
    const fetchStub = vi.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      if (calls++ === 0) {
        return new Promise<Response>((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)))
      }
      return new Response('{"accepted":1,"rejected":[]}', { status: 202 })
    })
    try {
      const tally = createTallyNode(base({ requestTimeout: 100 }))
      tally.track('a')
      expect(await tally.close({ timeout: 3000 })).toEqual({ delivered: true, unsent: 0 })
      expect(calls).toBe(2)
      const [, init] = fetchStub.mock.calls[0]!
      expect((init!.headers as Record<string, string>)['user-agent']).toMatch(/^tally-sdk-node\//)
    } finally {
      fetchStub.mockRestore()
    }
  })

  it('flush({ timeout }) keeps retrying through backoff without closing', async () => {
    const t = fakeTransport([{ status: 503 }, { status: 503 }])
    const tally = createTallyNode(base({ transport: t.transport, backoff: { base: 50, max: 50, jitter: 0 } }))
    tally.track('a')
    expect(await tally.flush()).toEqual({ pending: 1 }) // one round: failed, still held
    expect(await tally.flush({ timeout: 2000 })).toEqual({ pending: 0 })
    expect(t.requests).toHaveLength(3)
    tally.track('b') // still open
    await tally.close()
    expect(t.delivered()).toHaveLength(4)
  })
})
