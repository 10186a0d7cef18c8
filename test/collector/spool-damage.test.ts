import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Spool } from '../../collector/src/spool/spool.js'
import { encodePayload } from '../../collector/src/spool/payload.js'
import type { EventRow } from '../../collector/src/storage/rows.js'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'

// A segment damaged in the middle (a bad sector, a stray write) is left in the spool
// folder; the collector that starts on it stores every record that reads, and says so.
const root = mkdtempSync(join(tmpdir(), 'tally-spool-damage-'))
const spoolDir = join(root, 'data', 'spool') // TALLY_DATA_DIR/spool in the harness
let collector: CollectorProcess | undefined
afterAll(async () => {
  await collector?.cleanup()
  rmSync(root, { recursive: true, force: true })
})

function row(i: number): EventRow {
  const now = Date.now()
  return {
    id: crypto.randomUUID(), site_id: 'test', type: 'pageview', name: 'pageview', ts: now, received_at: now, visitor_id: `v${i}`,
    session_id: `s${i}`, user_id: '', url: `https://shop.example/p${i}`, hostname: 'shop.example', path: `/p${i}`, referrer: '',
    referrer_host: '', channel: 'direct', utm_source: '', utm_medium: '', utm_campaign: '', utm_term: '', utm_content: '', title: '',
    screen: '', locale: '', timezone: '', browser: '', browser_version: '', os: '', os_version: '', device_type: 'desktop',
    country: '', region: '', is_bot: 0, bot: '', source: 'browser', props: {},
  }
}

describe('a damaged segment left in the spool', () => {
  it('is written except for the damaged record, counted in /metrics, and kept in corrupt/', async () => {
    mkdirSync(spoolDir, { recursive: true })
    const rows = Array.from({ length: 6 }, (_, i) => row(i))
    const spool = new Spool({ dir: spoolDir, maxBytes: 1 << 20, segmentBytes: 1 << 20 })
    for (const r of rows) await spool.append(encodePayload({ events: [r], rejected: [] }))
    await spool.close()
    const [name] = readdirSync(spoolDir)
    const data = readFileSync(join(spoolDir, name!))
    const third = data.indexOf(rows[2]!.id)
    data.fill(0x20, third, third + 36) // the third event's id: that record no longer checks out
    writeFileSync(join(spoolDir, name!), data)

    collector = await startCollector({ dataDir: root })
    const stored = await collector.waitFor<{ id: string }>('SELECT toString(id) AS id FROM tally.events', (r) => r.length >= 5, 15_000)
    expect(stored.map((r) => r.id).sort()).toEqual(rows.filter((_, i) => i !== 2).map((r) => r.id).sort())
    await collector.waitForDrain()
    const metrics = await (await fetch(`${collector.url}/metrics`)).text()
    expect(Number(/^tally_spool_skipped_bytes_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0)
    expect(readdirSync(join(spoolDir, 'corrupt'))).toHaveLength(1)
    expect(collector.output).toMatch(/spool segment damaged/)
  })
})
