import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'
import { runCli } from '../../sdk-node/src/cli/cli.js'
import { createTokenIssuer, generateSigningKey, parseKey, toJwks, toPublicJwk, type SigningKey } from '../../sdk-node/src/index.js'

// Tokens issued by sdk-node against a real collector: every algorithm verifies, a key
// rotated out is refused, and a token for one site cannot send events for another.
let c: CollectorProcess
const dir = mkdtempSync(join(tmpdir(), 'tally-tokens-'))
const jwksPath = join(dir, 'rotation.jwks.json')
let ed: SigningKey
let es: SigningKey
let hs: SigningKey
let oldKey: SigningKey
let siteBound: SigningKey

async function cli(...args: string[]): Promise<string> {
  let out = ''
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: () => {}, env: {}, cwd: dir })
  if (code !== 0) throw new Error(`tally ${args.join(' ')} exited ${code}`)
  return out.trim()
}

beforeAll(async () => {
  // ES256 key made by the CLI: its JWKS file is loaded by the collector as written.
  const esKid = await cli('keygen', '--alg', 'ES256', '--kid', 'cli-es256')
  es = parseKey(readFileSync(join(dir, `${esKid}.private.json`), 'utf8'))
  ed = await generateSigningKey({ alg: 'EdDSA', kid: 'ed-1' })
  hs = await generateSigningKey({ alg: 'HS256', kid: 'hs-1' })
  oldKey = await generateSigningKey({ kid: 'old' })
  siteBound = await generateSigningKey({ kid: 'only-test' })
  // During a rotation the JWKS holds the new key and the old one.
  const next = await generateSigningKey({ kid: 'next' })
  writeFileSync(jwksPath, JSON.stringify(createTokenIssuer({ keys: [next, toPublicJwk(oldKey)!] }).jwks()))
  c = await startCollector({
    keys: [
      { kid: 'ed-1', alg: 'EdDSA', jwk: toPublicJwk(ed)! },
      { jwks_file: join(dir, `${esKid}.jwks.json`) },
      hs as { kid: string; alg: 'HS256'; secret: string },
      { jwks_file: jwksPath },
      { kid: 'only-test', alg: 'EdDSA', jwk: toPublicJwk(siteBound)!, sites: ['test'] },
    ],
  })
})
afterAll(async () => {
  await c?.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

const send = async (token: string, over: Record<string, unknown> = {}) => {
  const res = await sendBatch(c.url, [pageview(over)], { token, contentType: 'application/json' })
  return { status: res.status, body: (await res.json()) as { accepted?: number; error?: { code: string } } }
}

describe('tokens issued by sdk-node, verified by the collector', () => {
  it.each([
    ['EdDSA (public JWK)', () => ed],
    ['ES256 (JWKS file from `tally keygen`)', () => es],
    ['HS256 (shared secret)', () => hs],
  ])('%s: accepted, and the events land for the token’s site', async (_name, key) => {
    const issuer = createTokenIssuer({ keys: [key()] })
    const { token } = await issuer.issue({ site: 'test', subject: 'backend' })
    const marker = `tok-${key().kid}-${Date.now()}`
    expect(await send(token, { url: `https://shop.example/${marker}` })).toEqual({ status: 202, body: { accepted: 1, rejected: [] } })
    await c.waitFor<{ site_id: string }>(`SELECT site_id FROM tally.events WHERE url LIKE {u:String}`, (rows) => rows.length === 1, 5_000, {
      u: `%${marker}`,
    })
  })

  it('a token from the CLI is accepted', async () => {
    const token = await cli('token', '--site', 'test', '--key', 'cli-es256.private.json', '--ttl', '60')
    expect((await send(token)).status).toBe(202)
  })

  it('rotation: the old key works while its public half is published, and is refused once rotated out', async () => {
    const oldIssuer = createTokenIssuer({ keys: [oldKey] })
    expect((await send((await oldIssuer.issue({ site: 'test' })).token)).status).toBe(202)

    // Rotate out: the JWKS now holds the new key only; the collector reloads it on restart.
    const jwks = JSON.parse(readFileSync(jwksPath, 'utf8')) as ReturnType<typeof toJwks>
    writeFileSync(jwksPath, JSON.stringify({ keys: jwks.keys.filter((k) => k.kid !== 'old') }))
    await c.restart()
    const refused = await send((await oldIssuer.issue({ site: 'test' })).token)
    expect(refused).toEqual({ status: 401, body: { error: { code: 'ERR_TOKEN_UNKNOWN_KEY', message: expect.any(String) } } })
  })

  it('a token for site A cannot send events for site B', async () => {
    const issuer = createTokenIssuer({ keys: [ed] })
    // The site comes from the token, never from the batch: a "test" token writes to "test" only.
    const marker = `site-a-${Date.now()}`
    expect((await send((await issuer.issue({ site: 'test' })).token, { url: `https://other.example/${marker}`, site: 'other' })).status).toBe(202)
    const rows = await c.waitFor<{ site_id: string }>(`SELECT site_id FROM tally.events WHERE url LIKE {u:String}`, (r) => r.length === 1, 5_000, {
      u: `%${marker}`,
    })
    expect(rows).toEqual([{ site_id: 'test' }])
    // A key limited to site "test" may not sign for "other".
    const bound = createTokenIssuer({ keys: [siteBound] })
    expect((await send((await bound.issue({ site: 'test' })).token)).status).toBe(202)
    expect((await send((await bound.issue({ site: 'other' })).token)).body.error?.code).toBe('ERR_TOKEN_SITE')
    // A site the collector does not serve.
    expect((await send((await issuer.issue({ site: 'nope' })).token)).body.error?.code).toBe('ERR_TOKEN_SITE')
  })

  it('refuses a wrong audience, issuer, scope or lifetime', async () => {
    const codeOf = async (opts: Parameters<typeof createTokenIssuer>[0], ttl?: number, scope?: string) =>
      (await send((await createTokenIssuer(opts).issue({ site: 'test', ttl, scope })).token)).body.error?.code
    expect(await codeOf({ keys: [ed], audience: 'someone-else' })).toBe('ERR_TOKEN_AUDIENCE')
    expect(await codeOf({ keys: [ed], issuer: 'mallory' })).toBe('ERR_TOKEN_ISSUER')
    expect(await codeOf({ keys: [ed] }, undefined, 'read')).toBe('ERR_TOKEN_SCOPE')
    expect(await codeOf({ keys: [ed], maxTtl: 7200 }, 7200)).toBe('ERR_TOKEN_LIFETIME')
  })
})
