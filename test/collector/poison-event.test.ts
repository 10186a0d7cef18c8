import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Spool } from '../../collector/src/spool/spool.js'
import { encodePayload } from '../../collector/src/spool/payload.js'
import { makeRows } from '../support/rows.js'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'

// Finding 1 end to end (issue 7): an event that passed validation, was acknowledged,
// and that ClickHouse refuses when the writer inserts it. Validation at the door is
// hardened separately, so the poison is put where an older collector would have left
// it: in a spool segment, written with the spool's own functions, before the start.
// A lone high surrogate in a prop key: chDB refuses it (CANNOT_PARSE_ESCAPE_SEQUENCE).
// The rest of the ingest must not wait behind it, and shutdown must not hang on it.
const root = mkdtempSync(join(tmpdir(), 'tally-poison-'))
const spoolDir = join(root, 'data', 'spool') // TALLY_DATA_DIR/spool in the harness
let c: CollectorProcess | undefined
afterAll(async () => {
  await c?.cleanup()
  rmSync(root, { recursive: true, force: true })
})

const QUARANTINED = 'engine:CANNOT_PARSE_ESCAPE_SEQUENCE'

async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${c!.url}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

describe('an acknowledged event that ClickHouse refuses (finding 1)', () => {
  it('is quarantined with the engine message; every other event of every site is stored; SIGTERM exits promptly', async () => {
    mkdirSync(spoolDir, { recursive: true })
    const left = makeRows({ count: 4, sites: ['test', 'other'], visitors: 3, days: 1, seed: 7 }).map((r, i) => ({ ...r, site_id: i % 2 ? 'other' : 'test', ts: Date.now(), received_at: Date.now(), is_bot: 0 as const }))
    const poison = { ...left[0]!, props: { '\ud800': 'lone high surrogate' } }
    const spool = new Spool({ dir: spoolDir, maxBytes: 1 << 20, segmentBytes: 1 << 20 })
    await spool.append(encodePayload({ events: [poison, ...left.slice(1)], rejected: [] }))
    await spool.close()

    c = await startCollector({ dataDir: root })
    const token = { test: await c.token({ site: 'test' }), other: await c.token({ site: 'other' }) }
    const sent: string[] = left.slice(1).map((r) => r.id)
    const perSite = { test: 1, other: 2 } // left[1..3] are other, test, other
    for (let b = 0; b < 3; b++) {
      for (const site of ['test', 'other'] as const) {
        const events = Array.from({ length: 5 }, (_, i) => pageview({ anon_id: `${site}-${b}-${i}` }))
        const res = await sendBatch(c.url, events, { token: token[site] })
        expect(res.status, await res.text()).toBe(202)
        sent.push(...events.map((e) => e.id!))
        perSite[site] += events.length
      }
    }

    // Within seconds (a stuck writer never gets there): every acked event but the poison is in events.
    const stored = await c.waitFor<{ id: string }>('SELECT toString(id) AS id FROM tally.events', (r) => r.length >= sent.length, 15_000)
    expect(stored.map((r) => r.id).sort()).toEqual([...sent].sort())
    await c.waitForDrain()
    const [bySite] = await c.sql<{ test: number; other: number }>("SELECT countIf(site_id = 'test') AS test, countIf(site_id = 'other') AS other FROM tally.events")
    expect(bySite).toEqual(perSite)

    const rejected = await c.sql<{ site_id: string; reason: string; message: string; payload: string }>('SELECT site_id, reason, message, payload FROM tally.rejected_events')
    expect(rejected).toHaveLength(1)
    expect(rejected[0]).toMatchObject({ site_id: 'test', reason: QUARANTINED })
    expect(rejected[0]!.message).toMatch(/surrogate/i) // the engine's own words
    expect(JSON.parse(rejected[0]!.payload)).toMatchObject({ id: poison.id })
    expect(await metric(`tally_events_quarantined_total{reason="${QUARANTINED}"}`)).toBe(1)

    const ready = await fetch(`${c.url}/readyz`)
    expect(ready.status).toBe(200)
    expect(((await ready.json()) as { checks: { writer: string } }).checks.writer).toBe('ok')

    // Nothing left to retry: shutdown is quick (the drain deadline is 30 s; the old writer never finished).
    const stopping = Date.now()
    expect(await c.stop()).toBe(0)
    expect(Date.now() - stopping).toBeLessThan(15_000)
  })
})
