// Serves the script-tag demo and its token endpoint, for a collector in dev mode.
//
//   npm start                                   # terminal 1: the collector (dev mode, .tally/)
//   npx tsx examples/script-tag/serve.ts        # terminal 2: this page at http://127.0.0.1:3001
//
// In dev mode the collector keeps its HS256 secret in .tally/dev.json; this server signs
// 5-minute tokens for site `demo` with it. A real backend issues tokens with sdk-node
// instead (see examples/token-backend).
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { devToken, loadDevSetup } from '../../collector/src/dev-setup.js'

const port = Number(process.env.PORT ?? 3001)
const dataDir = process.env.TALLY_DATA_DIR ?? '.tally'
// The page loads tally.js from the collector; `npm start` tells us where it listens.
const collectorUrl = process.env.TALLY_COLLECTOR_URL ?? 'http://127.0.0.1:8787'
const page = readFileSync(fileURLToPath(new URL('./index.html', import.meta.url)), 'utf8').replaceAll('http://127.0.0.1:8787', collectorUrl)

const server = createServer(async (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname
  if (path === '/tally-token') {
    const ttl = 300
    const token = await devToken(loadDevSetup(dataDir), ttl)
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    return res.end(JSON.stringify({ token, expiresAt: Date.now() + ttl * 1000 }))
  }
  if (path.endsWith('.pdf')) {
    res.writeHead(200, { 'content-type': 'application/pdf' })
    return res.end('%PDF-1.4 (demo)')
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }) // every route: the SPA
  res.end(page)
})
server.listen(port, '127.0.0.1', () => console.log(`Tally script-tag demo at http://127.0.0.1:${(server.address() as AddressInfo).port}/`))
