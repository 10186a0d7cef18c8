import { serve } from '@hono/node-server'
import { createTokenIssuer, generateSigningKey, toJwks } from '@tally/sdk-node'
import { readFileSync, writeFileSync } from 'node:fs'
import { createApp } from './app.js'

// Run: npm run build && npx tsx examples/token-backend/server.ts
// Env: TALLY_SIGNING_KEY_FILE (a key from `npx tally keygen`) or TALLY_SIGNING_KEY (its JSON);
//      TALLY_SITE (default "test"); TALLY_COLLECTOR_URL (default http://127.0.0.1:8787); PORT (default 3000).
const site = process.env.TALLY_SITE ?? 'test'
const collectorUrl = process.env.TALLY_COLLECTOR_URL ?? 'http://127.0.0.1:8787'
const port = Number(process.env.PORT ?? 3000)

let key = process.env.TALLY_SIGNING_KEY ?? (process.env.TALLY_SIGNING_KEY_FILE ? readFileSync(process.env.TALLY_SIGNING_KEY_FILE, 'utf8') : undefined)
if (!key) {
  // No key given: make a throwaway one and write its public JWKS for the collector.
  const generated = await generateSigningKey({ kid: 'example' })
  writeFileSync('example.jwks.json', JSON.stringify(toJwks([generated]), null, 2))
  key = JSON.stringify(generated)
  console.log(`No TALLY_SIGNING_KEY: using a throwaway EdDSA key. Its public JWKS is in ./example.jwks.json;
add { "jwks_file": "${process.cwd()}/example.jwks.json" } to the collector's "keys" to accept its tokens.`)
}

const issuer = createTokenIssuer({ keys: [key] })
serve({ fetch: createApp({ issuer, site, collectorUrl }).fetch, port, hostname: '127.0.0.1' }, (info) => {
  console.log(`token backend on http://127.0.0.1:${info.port} (site "${site}", kid "${issuer.kid}")`)
  console.log(`try: curl -s http://127.0.0.1:${info.port}/tally-token`)
})
