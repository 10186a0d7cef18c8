import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'

// The ingest path end to end, against a real collector process on the embedded engine.
let c: CollectorProcess

beforeAll(async () => {
  c = await startCollector({
    sites: [
      { id: 'test', origins: ['https://shop.example'] },
      { id: 'other', origins: ['https://other.example'] },
    ],
  })
})
afterAll(async () => c?.cleanup())

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text()
  return Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN)
}

const count = async (where: string, params: Record<string, unknown> = {}) =>
  Number((await c.sql<{ n: string }>(`SELECT count() AS n FROM tally.events WHERE ${where}`, params))[0]!.n)

describe('POST /v1/batch', () => {
  it('accepts a batch (202) and the page-view rollup shows it within 2 s', async () => {
    const url = `https://shop.example/first-${Date.now()}`
    const res = await sendBatch(c.url, [pageview({ url })], { token: await c.token() })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] })
    const started = Date.now()
    await c.waitFor<{ pv: string }>(
      `SELECT sum(pageviews) AS pv FROM tally.pages_daily WHERE site_id = 'test' AND path = {path:String}`,
      (rows) => Number(rows[0]?.pv) === 1,
      2_000,
      { path: new URL(url).pathname },
    )
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('answers a preflight for an allowed origin with CORS headers and Max-Age, and none for others', async () => {
    const ask = (origin: string) =>
      fetch(`${c.url}/v1/batch`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' } })
    const ok = await ask('https://shop.example')
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect(ok.headers.get('access-control-max-age')).toBe('86400')
    expect(ok.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization')
    const no = await ask('https://evil.example')
    expect(no.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('refuses events from an origin not allowed for the token’s site, without CORS headers', async () => {
    const marker = `cors-${Date.now()}`
    const allowed = await sendBatch(c.url, [pageview({ url: `https://shop.example/${marker}` })], { token: await c.token(), origin: 'https://shop.example' })
    expect(allowed.status).toBe(202)
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    // other.example is allowed for site "other", not for "test".
    const wrongSite = await sendBatch(c.url, [pageview({ url: `https://shop.example/${marker}-x` })], { token: await c.token(), origin: 'https://other.example' })
    expect(wrongSite.status).toBe(403)
    expect(wrongSite.headers.get('access-control-allow-origin')).toBeNull()
    expect((await wrongSite.json()).error.code).toBe('ERR_ORIGIN_NOT_ALLOWED')
    const evil = await sendBatch(c.url, [pageview({ url: `https://shop.example/${marker}-y` })], { token: await c.token(), origin: 'https://evil.example' })
    expect(evil.status).toBe(403)
    await new Promise((r) => setTimeout(r, 800))
    expect(await count(`path LIKE {p:String}`, { p: `/${marker}%` })).toBe(1)
  })

  it('takes the token from the body for unload beacons', async () => {
    const res = await sendBatch(c.url, [pageview()], { token: await c.token(), tokenInBody: true, origin: 'https://shop.example' })
    expect(res.status).toBe(202)
  })

  it('refuses bad tokens with 401 and a stable code, readable by an allowed origin', async () => {
    const expired = await sendBatch(c.url, [pageview()], { token: await c.token({ ttlSeconds: -120 }), origin: 'https://shop.example' })
    expect(expired.status).toBe(401)
    expect(expired.headers.get('access-control-allow-origin')).toBe('https://shop.example')
    expect((await expired.json()).error.code).toBe('ERR_TOKEN_EXPIRED')
    const missing = await sendBatch(c.url, [pageview()])
    expect((await missing.json()).error.code).toBe('ERR_TOKEN_MISSING')
    const scope = await sendBatch(c.url, [pageview()], { token: await c.token({ scope: 'read' }) })
    expect((await scope.json()).error.code).toBe('ERR_TOKEN_SCOPE')
    const site = await sendBatch(c.url, [pageview()], { token: await c.token({ site: 'nope' }) })
    expect((await site.json()).error.code).toBe('ERR_TOKEN_SITE')
  })

  it('accepts the valid events of a mixed batch and quarantines the others with reasons', async () => {
    const marker = `mixed-${Date.now()}`
    const events = [pageview({ url: `https://shop.example/${marker}/1` }), pageview({ id: 'nope', url: `https://shop.example/${marker}/bad` }), { hello: 'world' }, pageview({ url: `https://shop.example/${marker}/2`, props: { deep: { no: 1 } } }), pageview({ url: `https://shop.example/${marker}/3` })]
    const res = await sendBatch(c.url, events, { token: await c.token() })
    expect(res.status).toBe(202)
    const body = await res.json()
    expect(body.accepted).toBe(2)
    expect(body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason])).toEqual([
      [1, 'invalid:id'],
      [2, 'invalid:id'],
      [3, 'invalid:props'],
    ])
    const rejected = await c.waitFor<{ reason: string; payload: string }>(
      `SELECT reason, payload FROM tally.rejected_events WHERE site_id = 'test' AND (payload LIKE {m:String} OR payload LIKE '%hello%') ORDER BY reason`,
      (rows) => rows.length === 3,
      3_000,
      { m: `%${marker}%` },
    )
    expect(rejected.map((r) => r.reason).sort()).toEqual(['invalid:id', 'invalid:id', 'invalid:props'])
    expect(body.rejected[2].message).toMatch(/^props\.deep: /)
    expect(await count(`path LIKE {p:String}`, { p: `/${marker}/%` })).toBe(2)
  })

  it('answers 400 for a body that is not JSON or not a batch', async () => {
    const token = await c.token()
    const notJson = await fetch(`${c.url}/v1/batch`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{oops' })
    expect(notJson.status).toBe(400)
    expect((await notJson.json()).error.code).toBe('ERR_BODY_MALFORMED')
    const empty = await sendBatch(c.url, [], { token })
    expect((await empty.json()).error.code).toBe('ERR_BATCH_INVALID')
  })

  it('answers 413 for a body over 512 KB', async () => {
    const big = Array.from({ length: 100 }, () => pageview({ title: 'x'.repeat(1000), props: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, 'y'.repeat(500)])) }))
    const res = await sendBatch(c.url, big, { token: await c.token() })
    expect(res.status).toBe(413)
    expect((await res.json()).error.code).toBe('ERR_BODY_TOO_LARGE')
  })

  it('does not count a batch twice when the client retries it', async () => {
    const marker = `dup-${Date.now()}`
    const events = Array.from({ length: 20 }, (_, i) => pageview({ url: `https://shop.example/${marker}/${i}`, anon_id: `v-${i}` }))
    const token = await c.token()
    expect((await sendBatch(c.url, events, { token })).status).toBe(202)
    expect((await sendBatch(c.url, events, { token })).status).toBe(202) // same ids, same flush window
    await c.waitForDrain()
    const duplicatesBefore = await metric('tally_events_duplicate_total')
    expect((await sendBatch(c.url, events.slice(0, 5), { token })).status).toBe(202) // after the first was written
    await c.waitForDrain()
    // The writer saw the 5 repeats and skipped them (stored-id check).
    expect(await metric('tally_events_duplicate_total')).toBe(duplicatesBefore + 5)
    expect(await count(`path LIKE {p:String}`, { p: `/${marker}/%` })).toBe(20)
    const [rollup] = await c.sql<{ pv: string }>(`SELECT sum(pageviews) AS pv FROM tally.pages_daily WHERE path LIKE {p:String}`, { p: `/${marker}/%` })
    expect(Number(rollup!.pv)).toBe(20)
  })

  it('enriches with browser, OS, referrer channel and UTM, and never stores the IP', async () => {
    const marker = `enrich-${Date.now()}`
    const res = await fetch(`${c.url}/v1/batch`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await c.token()}`,
        Origin: 'https://shop.example', // a browser request: UA and geo describe the visitor
        'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
      },
      body: JSON.stringify({ sent_at: Date.now(), events: [pageview({ url: `https://shop.example/${marker}?utm_source=news&utm_medium=email`, referrer: 'https://www.google.com/search?q=x' })] }),
    })
    expect(res.status).toBe(202)
    const [row] = await c.waitFor<Record<string, string>>(`SELECT * FROM tally.events WHERE path = {p:String}`, (r) => r.length === 1, 3_000, { p: `/${marker}` })
    expect(row).toMatchObject({ browser: 'Chrome', os: 'Windows', device_type: 'desktop', referrer_host: 'google.com', utm_source: 'news', utm_medium: 'email', is_bot: 0 })
    expect(JSON.stringify(row)).not.toContain('127.0.0.1')
  })

  it('answers analysts’ SQL read-only: no writes, no files, no second statement', async () => {
    const sql = (query: string) =>
      fetch(`${c.url}/v1/sql`, { method: 'POST', headers: { Authorization: 'Bearer harness-admin-token-0123456789' }, body: JSON.stringify({ query }) })
    const ok = await sql("SELECT count() AS n FROM tally.events WHERE site_id = 'test'")
    expect(ok.status).toBe(200)
    expect(Number((await ok.json()).rows[0].n)).toBeGreaterThan(0)
    for (const query of [
      "SELECT line FROM file('/etc/hostname', 'LineAsString')",
      "SELECT * FROM url('http://127.0.0.1:9/', 'LineAsString')",
      "SELECT 1 INTO/**/OUTFILE '/tmp/tally-outfile'",
      'SELECT 1; DROP TABLE tally.events',
      'INSERT INTO tally.events (id) VALUES (generateUUIDv4())',
      'DROP TABLE tally.events',
    ]) {
      const res = await sql(query)
      expect(res.status, query).toBe(400)
      expect((await res.json()).error.code, query).toBe('ERR_QUERY_REFUSED')
    }
    expect(await count('1')).toBeGreaterThan(0) // still there
    const noToken = await fetch(`${c.url}/v1/sql`, { method: 'POST', body: JSON.stringify({ query: 'SELECT 1' }) })
    expect(noToken.status).toBe(401)
  })

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200)
    const ready = await fetch(`${c.url}/readyz`)
    expect(ready.status).toBe(200)
    expect((await ready.json()).checks.clickhouse).toBe('ok')
    const metrics = await (await fetch(`${c.url}/metrics`)).text()
    expect(metrics).toMatch(/^tally_events_accepted_total [1-9]\d*$/m)
    expect(metrics).toMatch(/^tally_events_rejected_total\{reason="invalid:id"\} 2$/m)
    expect(metrics).toMatch(/^tally_spool_bytes \d+$/m)
  })
})
