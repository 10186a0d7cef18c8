// The baseline for the ingest benchmark: a bare Hono route that reads the body and answers
// 204 — what the HTTP layer alone costs on this machine, measured in the same run.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono()
app.post('/v1/batch', async (c) => {
  await c.req.arrayBuffer()
  return c.body(null, 204)
})
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
  process.stdout.write(`listening ${info.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
