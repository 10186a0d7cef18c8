/**
 * What a user checks on a running collector, over HTTP: `/metrics`, `/readyz`, the
 * stored counts of a site; and page views sent as any client would. For process-level
 * tests (collector-process.ts), whatever the storage mode.
 */
import { expect } from 'vitest'
import type { CollectorProcess } from './collector-process.js'
import { pageview, sendBatch } from './send.js'

export interface Ready {
  status: number
  body: { ready: boolean; checks: { clickhouse: string; schema: string; spool: string; writer: string; draining: boolean }; spool: { bytes: number; segments: number } }
}

/** `/readyz` (its ClickHouse ping gives up after 1 s). */
export async function readyz(url: string): Promise<Ready> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) })
  return { status: res.status, body: (await res.json()) as Ready['body'] }
}

/** One sample of `/metrics` (`name` or `name{label="…"}`), or undefined when absent. */
export async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

/** Polls `probe` until it returns a value (not undefined/false); errors count as "not yet". */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined && value !== false) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}\n${context().slice(-3000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Sends `batches` batches of `perBatch` page views for `site`; each must be acked (202). Returns the ids. */
export async function sendPageviews(c: CollectorProcess, site: string, batches = 1, perBatch = 5): Promise<string[]> {
  const token = await c.token({ site })
  const ids: string[] = []
  for (let b = 0; b < batches; b++) {
    const events = Array.from({ length: perBatch }, (_, i) => pageview({ anon_id: `${site}-${b}-${i}` }))
    const res = await sendBatch(c.url, events, { token })
    expect(res.status, await res.text()).toBe(202)
    ids.push(...events.map((e) => e.id!))
  }
  return ids
}

/** Rows, distinct ids and rollup page views of `site`, read through `c`'s /v1/sql. */
export async function storedCounts(c: CollectorProcess, site: string): Promise<{ n: number; u: number; pv: number }> {
  const [row] = await c.sql<{ n: string; u: string; pv: string }>(
    `SELECT (SELECT count() FROM tally.events WHERE site_id = {site:String}) AS n,
            (SELECT uniqExact(id) FROM tally.events WHERE site_id = {site:String}) AS u,
            (SELECT sum(pageviews) FROM tally.traffic_daily WHERE site_id = {site:String}) AS pv`,
    { site },
  )
  return { n: Number(row!.n), u: Number(row!.u), pv: Number(row!.pv) }
}
