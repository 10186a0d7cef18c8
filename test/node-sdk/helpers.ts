import type { CollectorProcess } from '../support/collector-process.js'

/** A marker that tags one test's events (`props.run`), so tests sharing a collector never see each other's rows. */
export function newRun(name: string): string {
  return `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
}

/** How each id of a run is stored: `{ id → rows }`. Waits until `expected` distinct ids are there (or times out). */
export async function storedIds(c: CollectorProcess, run: string, expected: number, timeoutMs = 10_000): Promise<Map<string, number>> {
  const query = `SELECT toString(id) AS id, count() AS n FROM tally.events WHERE props['run'] = {run:String} GROUP BY id`
  await c.waitFor(query, (r) => r.length >= expected, timeoutMs, { run })
  await sleep(600) // a late duplicate would land with the writer's next flush (200 ms in the harness)
  const rows = await c.sql<{ id: string; n: string }>(query, { run })
  return new Map(rows.map((r) => [r.id, Number(r.n)]))
}

/** Asserts every id is stored exactly once and nothing else is: returns a message, or '' when exact. */
export function exactlyOnce(stored: Map<string, number>, ids: readonly string[]): string {
  const want = new Set(ids)
  const missing = ids.filter((id) => !stored.has(id))
  const doubled = [...stored].filter(([, n]) => n !== 1).map(([id, n]) => `${id}×${n}`)
  const extra = [...stored.keys()].filter((id) => !want.has(id))
  if (!missing.length && !doubled.length && !extra.length) return ''
  return `missing ${missing.length} (${missing.slice(0, 3).join(', ')}), doubled ${doubled.length} (${doubled.slice(0, 3).join(', ')}), unexpected ${extra.length}`
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
