import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// The built package as users get it: ESM, CJS, types for both, the CLI, and no run-time
// dependency on the workspace packages it bundles (collector claims, sdk-browser core).
const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..')
const PKG = join(ROOT, 'sdk-node')
const DIST = join(PKG, 'dist')
const run = promisify(execFile)
let dir: string

beforeAll(() => {
  if (!existsSync(join(DIST, 'index.mjs'))) throw new Error('sdk-node is not built: run `npm run build` (npm test does)')
  dir = mkdtempSync(join(tmpdir(), 'tally-dist-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('@tally/sdk-node dist', () => {
  it('ESM and CJS entry points export the same API, for . and ./hono', async () => {
    const require = createRequire(import.meta.url)
    for (const sub of ['', '/hono']) {
      const esm = await import(`@tally/sdk-node${sub}`)
      const cjs = require(`@tally/sdk-node${sub}`)
      expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort())
    }
    const api = await import('@tally/sdk-node')
    for (const name of ['createTallyNode', 'createTokenIssuer', 'generateSigningKey', 'toJwks', 'createTokenHandler', 'createNodeTokenHandler', 'deny', 'TallyError']) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function')
    }
  })

  it('depends on jose only at run time', () => {
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'))
    expect(Object.keys(pkg.dependencies)).toEqual(['jose'])
    for (const file of readdirSync(DIST).filter((f) => /\.(mjs|cjs|js)$/.test(f))) {
      const text = readFileSync(join(DIST, file), 'utf8')
      const imports = [...text.matchAll(/^import\s[^;]*?['"]([^'"]+)['"]|require\(['"]([^'"]+)['"]\)/gm)].map((m) => m[1] ?? m[2]!)
      for (const spec of imports) expect(spec, `${file} imports ${spec}`).toMatch(/^(jose|node:.*|\.\/.*)$/)
    }
  })

  it('types resolve for ESM and CJS consumers (module node16)', async () => {
    const consumer = join(dir, 'consumer')
    mkdirSync(join(consumer, 'node_modules', '@tally'), { recursive: true })
    symlinkSync(PKG, join(consumer, 'node_modules', '@tally', 'sdk-node'))
    const code = (imp: string) => `${imp}
const issuer = createTokenIssuer({ keys: ['{}'] })
const t: Promise<{ token: string; expiresAt: number }> = issuer.issue({ site: 's' })
const tally = createTallyNode({ endpoint: 'http://x', token: 't', flushOnExit: { timeout: 1000 } })
const id: string = tally.track('signup', { plan: 'pro' }, { userId: 'u' })
const route = tallyTokenRoute({ issuer, authorize: () => deny(403) })
export { t, id, route }
`
    writeFileSync(join(consumer, 'esm.mts'), code(`import { createTallyNode, createTokenIssuer } from '@tally/sdk-node'\nimport { tallyTokenRoute, deny } from '@tally/sdk-node/hono'`))
    writeFileSync(join(consumer, 'cjs.cts'), code(`import { createTallyNode, createTokenIssuer } from '@tally/sdk-node'\nimport { tallyTokenRoute, deny } from '@tally/sdk-node/hono'`))
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'node16', moduleResolution: 'node16', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] }, files: ['esm.mts', 'cjs.cts'] }),
    )
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
    const result = await run(process.execPath, [tsc, '-p', consumer]).catch((err: { stdout: string }) => err)
    expect(result.stdout).toBe('')
  }, 60_000)

  it('the tally CLI runs from dist and from the bin wrapper', async () => {
    const keygen = await run(process.execPath, [join(DIST, 'cli.js'), 'keygen', '--kid', 'k1', '--out', dir])
    expect(keygen.stdout.trim()).toBe('k1')
    const token = await run(process.execPath, [join(PKG, 'bin', 'tally.js'), 'token', '--site', 'test', '--key', join(dir, 'k1.private.json')])
    expect(token.stdout.trim().split('.')).toHaveLength(3)
    const jwks = await run(process.execPath, [join(DIST, 'cli.js'), 'jwks', join(dir, 'k1.private.json')])
    expect(JSON.parse(jwks.stdout).keys[0].kid).toBe('k1')
  })
})
