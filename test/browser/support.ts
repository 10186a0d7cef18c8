import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { CollectorProcess } from '../support/collector-process.js'

/**
 * Browser end-to-end helpers: Debian's Chromium through playwright-core (never a
 * downloaded browser), and a tiny page server on 127.0.0.1.
 *
 * Every `*.test` host name resolves to 127.0.0.1 inside the browser, so each test can
 * use an origin of its own (`http://<name>.test:<port>`: fresh localStorage), pages are
 * not on `localhost` (where the tracker stays off unless told), and a link to another
 * `*.test` host is an outbound link.
 */

export const TRACKER = fileURLToPath(new URL('../../sdk-browser/dist/tally.js', import.meta.url))

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    // Playwright turns the back/forward cache off by default; real browsers have it on.
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--host-resolver-rules=MAP *.test 127.0.0.1'],
  })
}

/** What the page server's `/token` route answers; replace it to script token trouble. */
export type TokenRoute = (c: CollectorProcess) => Promise<{ status?: number; body: unknown }>

export const goodToken: TokenRoute = async (c) => ({ body: { token: await c.token(), expiresAt: Date.now() + 300_000 } })

export interface PageServer {
  readonly port: number
  /** `http://<name>.test:<port>` */
  origin(name: string): string
  /** Serves `html` at `path` (and, for SPAs, at every path below `path` unless another page is registered). */
  page(path: string, html: string): void
  /** Serves any file at `path`. */
  file(path: string, body: string | Buffer, type: string): void
  token: TokenRoute
  /** How many times `/token` was called. */
  tokenCalls: number
  close(): Promise<void>
}

export async function startPageServer(c: CollectorProcess): Promise<PageServer> {
  const files = new Map<string, { body: string | Buffer; type: string }>()
  let server: Server
  const ps: PageServer = {
    port: 0,
    origin: (name) => `http://${name}.test:${ps.port}`,
    page: (path, html) => files.set(path, { body: html, type: 'text/html; charset=utf-8' }),
    file: (path, body, type) => files.set(path, { body, type }),
    token: goodToken,
    tokenCalls: 0,
    close: () => new Promise((r) => server.close(() => r())),
  }
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path === '/tally.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'cache-control': 'no-store' })
      return res.end(readFileSync(TRACKER))
    }
    if (path === '/token') {
      ps.tokenCalls++
      const t = await ps.token(c)
      res.writeHead(t.status ?? 200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      return res.end(JSON.stringify(t.body))
    }
    let f = files.get(path)
    for (let p = path; !f && p.length > 1; ) {
      p = p.slice(0, p.lastIndexOf('/')) || '/'
      f = files.get(p)
    }
    if (!f) {
      res.writeHead(404)
      return res.end('not found')
    }
    // Pages are cacheable on purpose: `no-store` would keep them out of the back/forward cache.
    res.writeHead(200, { 'content-type': f.type })
    res.end(f.body)
  }
  server = createServer((req, res) => void handle(req, res).catch(() => res.destroy()))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  ;(ps as { port: number }).port = (server.address() as AddressInfo).port
  return ps
}

/** A page that loads the tracker (from `src`, default the page server) with these `data-*` attributes. */
export function trackedPage(attrs: Record<string, string | true>, body = '', src = '/tally.js', head = ''): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => (v === true ? ` data-${k}` : ` data-${k}="${v}"`))
    .join('')
  return `<!doctype html><html><head><meta charset="utf-8"><title>Tally test</title>${head}
<script src="${src}" data-token-url="/token"${a}></script></head><body>${body}</body></html>`
}

/** Bodies of the batches a page sends (as the page sent them). */
export function batches(page: Page): { events: Record<string, unknown>[]; token?: string }[] {
  const out: { events: Record<string, unknown>[]; token?: string }[] = []
  page.on('request', (r) => {
    if (r.url().endsWith('/v1/batch') && r.method() === 'POST') out.push(JSON.parse(r.postData() ?? '{}'))
  })
  return out
}

/** Collects uncaught page errors and console errors, to assert nothing reached the page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  return errors
}

export interface EventRow {
  id: string
  type: string
  name: string
  path: string
  url: string
  referrer: string
  referrer_host: string
  browser: string
  os: string
  visitor_id: string
  user_id: string
  hostname: string
  props: Record<string, string>
}

/** Events of one host name (each test has its own), oldest first. */
export function events(c: CollectorProcess, hostname: string): Promise<EventRow[]> {
  return c.sql<EventRow>(
    `SELECT toString(id) AS id, type, name, path, url, referrer, referrer_host, browser, os, visitor_id, user_id, hostname, props
     FROM tally.events WHERE hostname = {host:String} ORDER BY ts, name`,
    { host: hostname },
  )
}

/**
 * Waits until `hostname` has at least `n` events other than `engagement` (which come
 * whenever a page is hidden), then a little longer, for a late duplicate.
 */
export async function waitEvents(c: CollectorProcess, hostname: string, n: number, timeoutMs = 15_000): Promise<EventRow[]> {
  const q = `SELECT count() AS n FROM tally.events WHERE hostname = {host:String} AND name != 'engagement'`
  await c.waitFor(q, (r: { n: string }[]) => Number(r[0]?.n) >= n, timeoutMs, { host: hostname })
  await sleep(700)
  return events(c, hostname)
}

/** Ids that occur more than once. */
export function duplicates(rows: { id: string }[]): string[] {
  const seen = new Map<string, number>()
  for (const r of rows) seen.set(r.id, (seen.get(r.id) ?? 0) + 1)
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
