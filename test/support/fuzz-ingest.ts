import fc from 'fast-check'
import type { CollectorProcess } from './collector-process.js'
import { hostileRequest, serialise, type HostileRequest, type TokenPlace } from './hostile-batches.js'
import { pageview, sendBatch } from './send.js'

/**
 * The ingest fuzz: hostile requests over real HTTP to a real collector, then a control
 * event. Holds when every request is answered 2xx/4xx (never 5xx) with reasons of
 * bounded variety, the control event reaches `events`, the writer never failed, the
 * collector stays ready, and the accepted events read back from `events` hold exactly
 * the strings that were sent (no silent mangling).
 */
export interface FuzzOptions {
  numRuns: number
  seed?: number
  /** Most accepted events read back and compared. Default: all. */
  sample?: number
  /** Wait for the control event this long (ms). */
  controlTimeoutMs?: number
  progress?: (line: string) => void
}

export interface FuzzReport {
  seed: number
  requests: number
  statuses: Record<string, number>
  reasons: Record<string, number>
  accepted: number
  readBack: number
  controlMs: number
}

/** The row fields an accepted event must come back with, as strings. */
type Expected = Record<string, string | Record<string, string>>

/** `invalid:<top-level field>` or `too_large`: they are metric labels. */
const REASON = /^(too_large|scope:orders|order:[a-z_]+|invalid:(event|id|type|name|ts|anon_id|session_id|user_id|url|referrer|title|screen|locale|timezone|props|order(\.[a-z_]+)?))$/
const COLUMNS = ['type', 'name', 'user_id', 'url', 'referrer', 'title', 'screen', 'locale', 'timezone'] as const

export async function fuzzIngest(c: CollectorProcess, o: FuzzOptions): Promise<FuzzReport> {
  const seed = o.seed ?? Date.now() % 2 ** 31
  try {
    return await run(c, o, seed)
  } catch (err) {
    if (err instanceof Error) err.message += `\n(fuzz seed ${seed}: rerun with TALLY_FUZZ_SEED=${seed})`
    throw err
  }
}

async function run(c: CollectorProcess, o: FuzzOptions, seed: number): Promise<FuzzReport> {
  const report: FuzzReport = { seed, requests: 0, statuses: {}, reasons: {}, accepted: 0, readBack: 0, controlMs: 0 }
  const expected = new Map<string, Expected>()
  const seen = new Map<string, number>() // accepted ids (lower case) and how often
  const tokens = await tokenSource(c)

  await fc.assert(
    fc.asyncProperty(hostileRequest, async (req) => {
      const { status, text, sent } = await send(c.url, req, await tokens())
      report.requests++
      report.statuses[status] = (report.statuses[status] ?? 0) + 1
      if (status >= 500 || status < 200) throw new Error(`answered ${status}: ${text.slice(0, 300)}`)
      // Node itself answers 431, with no body, to headers over 16 KB (before the app sees them).
      const body = (status === 431 && text === '' ? {} : JSON.parse(text)) as { rejected?: { index: number; reason: string }[] }
      for (const r of body.rejected ?? []) {
        if (!REASON.test(r.reason)) throw new Error(`reason of unbounded variety: ${JSON.stringify(r.reason)}`)
        report.reasons[r.reason] = (report.reasons[r.reason] ?? 0) + 1
      }
      if (status === 202 && sent) keepAccepted(sent, body.rejected ?? [], expected, seen, report)
      if (report.requests % 250 === 0) o.progress?.(`${report.requests} requests, ${report.accepted} events accepted`)
    }),
    { numRuns: o.numRuns, seed },
  )

  // The control event: whatever came before, a good event still gets through, quickly.
  const marker = `https://shop.example/control-${seed}-${Date.now()}`
  const started = Date.now()
  const control = await sendBatch(c.url, [pageview({ url: marker })], { token: await c.token() })
  if (control.status !== 202) throw new Error(`control event answered ${control.status}`)
  await c
    .waitFor<{ n: string }>('SELECT count() AS n FROM tally.events WHERE url = {u:String}', (rows) => Number(rows[0]?.n) === 1, o.controlTimeoutMs ?? 10_000, { u: marker })
    .catch(async (err: Error) => {
      throw new Error(`control event not in events: ${err.message}; readyz: ${await (await fetch(`${c.url}/readyz`)).text()}`)
    })
  report.controlMs = Date.now() - started
  await c.waitForDrain()

  const metrics = await (await fetch(`${c.url}/metrics`)).text()
  const writerErrors = Number(/^tally_writer_errors_total (\d+)$/m.exec(metrics)?.[1])
  if (writerErrors !== 0) throw new Error(`the writer failed ${writerErrors} rounds`)
  const ready = await fetch(`${c.url}/readyz`)
  if (ready.status !== 200) throw new Error(`not ready after the fuzz: ${await ready.text()}`)

  report.readBack = await checkRoundTrip(c, [...expected].filter(([id]) => seen.get(id) === 1).slice(0, o.sample ?? Infinity))
  return report
}

/** The accepted events of a 202, as the collector read them (JSON.parse of the bytes sent). */
function keepAccepted(sent: unknown[], rejected: { index: number }[], expected: Map<string, Expected>, seen: Map<string, number>, report: FuzzReport): void {
  const refused = new Set(rejected.map((r) => r.index))
  sent.forEach((event, index) => {
    if (refused.has(index)) return
    const ev = event as Record<string, unknown>
    const id = String(ev.id).toLowerCase()
    report.accepted++
    seen.set(id, (seen.get(id) ?? 0) + 1)
    const row: Expected = {} // the id is the key it is read back by
    for (const column of COLUMNS) row[column] = ev[column] === undefined ? '' : String(ev[column])
    if (typeof ev.session_id === 'string' && ev.session_id !== '') row.session_id = ev.session_id
    const props: Record<string, string> = {}
    for (const [k, v] of Object.entries((ev.props ?? {}) as Record<string, unknown>)) props[k] = String(v)
    row.props = props
    expected.set(id, row)
  })
}

/** Reads the events back and compares every string with what was sent. */
async function checkRoundTrip(c: CollectorProcess, sample: [string, Expected][]): Promise<number> {
  for (let i = 0; i < sample.length; i += 500) {
    const chunk = sample.slice(i, i + 500)
    const rows = await c.sql<Record<string, unknown>>(
      // Not `toString(id) AS id`: ClickHouse would apply that alias inside WHERE too.
      `SELECT toString(id) AS stored_id, session_id, props, ${COLUMNS.join(', ')} FROM tally.events WHERE id IN {ids:Array(UUID)}`,
      { ids: chunk.map(([id]) => id) },
    )
    const stored = new Map(rows.map((r) => [r.stored_id as string, r]))
    for (const [id, want] of chunk) {
      const got = stored.get(id)
      if (!got) throw new Error(`accepted event ${id} is not in events: ${JSON.stringify(want).slice(0, 400)}`)
      for (const [column, value] of Object.entries(want)) {
        if (JSON.stringify(sortKeys(got[column])) !== JSON.stringify(sortKeys(value))) {
          throw new Error(`event ${id}: ${column} stored as ${JSON.stringify(got[column])}, sent ${JSON.stringify(value)}`)
        }
      }
    }
  }
  return sample.length
}

const sortKeys = (v: unknown) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v)

type Tokens = Record<'test' | 'other' | 'expired' | 'scope', string>

/** Fresh tokens every minute, so a long run never sends expired ones by accident. */
async function tokenSource(c: CollectorProcess): Promise<() => Promise<Tokens>> {
  let signedAt = 0
  let tokens: Tokens | undefined
  return async () => {
    if (!tokens || Date.now() - signedAt > 60_000) {
      signedAt = Date.now()
      tokens = { test: await c.token(), other: await c.token({ site: 'other' }), expired: await c.token({ ttlSeconds: -120 }), scope: await c.token({ scope: 'read' }) }
    }
    return tokens
  }
}

interface Sent {
  status: number
  text: string
  /** The events array the collector parsed, when the body was a batch. */
  sent?: unknown[]
}

async function send(url: string, req: HostileRequest, tokens: Tokens): Promise<Sent> {
  const headers: Record<string, string> = {}
  let body: Buffer
  if (req.kind === 'raw') {
    body = Buffer.from(req.body)
  } else {
    headers['user-agent'] = req.userAgent
    if (req.origin !== undefined) headers.origin = req.origin
    const envelope: Record<string, unknown> = { ...req.envelope }
    const header = headerToken(req.token, tokens)
    if (header) headers.authorization = `Bearer ${header}`
    if (req.token === 'garbage-header') headers.authorization = `Bearer ${req.garbageToken.replace(/[^\x21-\x7e]/g, '') || 'x'}`
    if (req.token === 'body' || req.token === 'both') envelope.token = tokens.test
    if (req.token === 'garbage-body') envelope.token = req.garbageToken
    body = Buffer.from(serialise(envelope))
  }
  const contentType = req.contentType
  if (contentType !== '') headers['content-type'] = contentType
  const res = await fetch(`${url}/v1/batch`, { method: 'POST', headers, body: new Uint8Array(body), signal: AbortSignal.timeout(15_000) })
  const text = await res.text()
  if (res.status !== 202) return { status: res.status, text }
  const parsed = JSON.parse(body.toString('utf8')) as { events: unknown[] }
  return { status: res.status, text, sent: parsed.events }
}

function headerToken(place: TokenPlace, tokens: Tokens): string | undefined {
  if (place === 'header' || place === 'both') return tokens.test
  if (place === 'other-site') return tokens.other
  if (place === 'expired') return tokens.expired
  if (place === 'scope') return tokens.scope
  return undefined
}
