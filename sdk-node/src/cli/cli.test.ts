import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { runCli } from './cli.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tally-cli-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

async function run(args: string[], env: Record<string, string> = {}) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: dir })
  return { code, stdout, stderr }
}

describe('tally CLI', () => {
  it('keygen writes a private key (0600) and a JWKS; token signs; jwks prints the public set', async () => {
    const gen = await run(['keygen', '--kid', 'web-1'])
    expect(gen.code).toBe(0)
    expect(gen.stdout).toBe('web-1\n')
    expect(gen.stderr).toContain('"jwks_file"')
    const priv = join(dir, 'web-1.private.json')
    expect((await stat(priv)).mode & 0o777).toBe(0o600)
    const jwks = JSON.parse(await readFile(join(dir, 'web-1.jwks.json'), 'utf8'))
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kid: 'web-1', alg: 'EdDSA', kty: 'OKP', use: 'sig' })
    expect(jwks.keys[0]).not.toHaveProperty('d')

    const tok = await run(['token', '--site', 'shop', '--key', 'web-1.private.json', '--ttl', '60', '--sub', 'me'])
    expect(tok.code).toBe(0)
    const { payload } = await jwtVerify(tok.stdout.trim(), createLocalJWKSet(jwks), { issuer: 'tally-dev', audience: 'tally' })
    expect(payload).toMatchObject({ site: 'shop', sub: 'me', scope: 'ingest' })
    expect(payload.exp! - payload.iat!).toBe(60)

    const again = await run(['keygen', '--kid', 'web-1'])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/exists; pass --force/)

    await run(['keygen', '--kid', 'web-2', '--alg', 'ES256'])
    const both = await run(['jwks', 'web-2.private.json', 'web-1.jwks.json'])
    expect(JSON.parse(both.stdout).keys.map((k: { kid: string }) => k.kid)).toEqual(['web-2', 'web-1'])
    await run(['jwks', 'web-2.private.json', 'web-1.jwks.json', '--out', 'both.jwks.json'])
    await run(['keygen', '--kid', 'web-3'])
    const merged = await run(['jwks', 'web-3.private.json', 'both.jwks.json'])
    expect(JSON.parse(merged.stdout).keys.map((k: { kid: string }) => k.kid)).toEqual(['web-3', 'web-2', 'web-1'])
  })

  it('HS256: one secret file, usable from the environment', async () => {
    const gen = await run(['keygen', '--alg', 'HS256', '--kid', 'h1'])
    expect(gen.code).toBe(0)
    const secretFile = await readFile(join(dir, 'h1.secret.json'), 'utf8')
    const key = JSON.parse(secretFile)
    expect(key).toEqual({ kid: 'h1', alg: 'HS256', secret: expect.stringMatching(/^.{43}$/) })
    expect(gen.stderr + gen.stdout).not.toContain(key.secret) // never printed (CI logs keep output)
    expect((await stat(join(dir, 'h1.secret.json'))).mode & 0o777).toBe(0o600)
    await writeFile(join(dir, 'h1.secret.json'), 'old', { mode: 0o644 })
    await chmod(join(dir, 'h1.secret.json'), 0o644)
    expect((await run(['keygen', '--alg', 'HS256', '--kid', 'h1', '--force'])).code).toBe(0)
    expect((await stat(join(dir, 'h1.secret.json'))).mode & 0o777).toBe(0o600) // --force does not keep a lax mode
    const renewed = JSON.parse(await readFile(join(dir, 'h1.secret.json'), 'utf8'))
    const tok = await run(['token', '--site', 's', '--json', '--scope', 'ingest read'], { TALLY_SIGNING_KEY: JSON.stringify(renewed) })
    const out = JSON.parse(tok.stdout)
    expect(out.expiresIn).toBe(300)
    expect(decodeJwt(out.token)).toMatchObject({ site: 's', scope: 'ingest read' })
    await jwtVerify(out.token, new TextEncoder().encode(renewed.secret))
    const fromFile = await run(['token', '--site', 's'], { TALLY_SIGNING_KEY_FILE: 'h1.secret.json' })
    expect(fromFile.code).toBe(0)
    const noPublic = await run(['jwks', 'h1.secret.json'])
    expect(noPublic.code).toBe(1)
    expect(noPublic.stderr).toMatch(/no public part/)
  })

  it('explains usage mistakes with exit code 2', async () => {
    expect((await run(['token', '--key', 'x'])).stderr).toMatch(/needs --site/)
    expect((await run(['token', '--site', 's'])).code).toBe(2)
    expect((await run(['keygen', '--alg', 'RS256'])).code).toBe(2)
    expect((await run(['frobnicate'])).code).toBe(2)
    expect((await run(['keygen', '--bogus'])).code).toBe(2)
    expect((await run(['help'])).stdout).toContain('tally keygen')
    const missing = await run(['token', '--site', 's', '--key', 'nope.json'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/cannot read nope.json/)
  })
})
