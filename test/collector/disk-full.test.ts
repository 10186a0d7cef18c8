import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Spool } from '../../collector/src/spool/spool.js'
import { SpoolFullError } from '../../collector/src/spool/errors.js'
import { startCollector, type CollectorProcess } from '../support/collector-process.js'
import { pageview, sendBatch } from '../support/send.js'
import { mountTmpfs, unmount } from '../support/tmpfs.js'

// A real full disk: a 256 KB tmpfs under the spool. Needs root (mount); skipped otherwise.
const DISK_BYTES = 256 * 1024
const root = mkdtempSync(join(tmpdir(), 'tally-disk-full-'))
const spoolDisk = join(root, 'spool')
const collectorData = join(root, 'collector')
const collectorSpool = join(collectorData, 'data', 'spool') // TALLY_DATA_DIR/spool in the harness
mkdirSync(spoolDisk)
mkdirSync(collectorSpool, { recursive: true })
const mounts = [mountTmpfs(spoolDisk, DISK_BYTES), mountTmpfs(collectorSpool, DISK_BYTES)]
const refused = mounts.find((m) => !m.mounted)
if (refused && !refused.mounted) console.log(`[disk-full] skipped: tmpfs mount refused (${refused.reason})`)

let collector: CollectorProcess | undefined
afterAll(async () => {
  await collector?.cleanup()
  for (const [i, dir] of [spoolDisk, collectorSpool].entries()) if (mounts[i]!.mounted) unmount(dir)
  rmSync(root, { recursive: true, force: true })
})

const payload = (i: number) => Buffer.from(JSON.stringify({ v: 1, e: [[`event-${i}`, 'x'.repeat(500 + ((i * 7919) % 5000))]], r: [] }))

describe.skipIf(refused !== undefined)('a spool on a full disk (tmpfs)', () => {
  it('every append either resolves and is read back, or is refused with ERR_SPOOL_FULL; space again, appends again', async () => {
    const spool = new Spool({ dir: spoolDisk, maxBytes: 64 * 1024 * 1024, segmentBytes: 48 * 1024 })
    const acked: string[] = []
    let refusedRounds = 0
    for (let round = 0; round < 200 && refusedRounds < 5; round++) {
      const group = Array.from({ length: 6 }, (_, j) => payload(round * 6 + j))
      const results = await Promise.allSettled(group.map((p) => spool.append(p)))
      results.forEach((r, j) => {
        if (r.status === 'fulfilled') acked.push(String(group[j]))
        else expect(r.reason).toBeInstanceOf(SpoolFullError)
      })
      if (results.every((r) => r.status === 'rejected')) refusedRounds++
    }
    expect(refusedRounds).toBe(5)
    expect(acked.length).toBeGreaterThan(10)

    await spool.seal()
    const read: string[] = []
    for (const s of spool.segments()) {
      const records = await spool.readRecords(s)
      expect(records.skippedBytes).toBe(0)
      read.push(...records.payloads.map(String))
    }
    expect(read).toEqual(acked) // nothing acked lost, nothing refused kept

    for (const s of spool.segments()) await spool.remove(s) // the writer drained: space again
    await spool.append(payload(1_000_000))
    await spool.seal()
    const [fresh] = spool.segments()
    expect((await spool.readRecords(fresh!)).payloads.map(String)).toEqual([String(payload(1_000_000))])
  })

  it('the collector answers 503 + Retry-After on a full disk, 202 again once there is space, and stores every 202 exactly once', async () => {
    const ballast = join(collectorSpool, 'ballast')
    writeFileSync(ballast, Buffer.alloc(64 * 1024)) // freed below, as a drained segment would be
    // Nothing is sealed by age or size: the writer stays idle until shutdown.
    collector = await startCollector({ dataDir: collectorData, env: { TALLY_FLUSH_INTERVAL_MS: '600000', TALLY_SEGMENT_BYTES: String(1 << 20) } })
    const token = await collector.token()
    const acked: string[] = []
    let full: Response | undefined
    for (let b = 0; b < 300 && !full; b++) {
      const events = Array.from({ length: 10 }, () => pageview({ url: `https://shop.example/${'p'.repeat(200)}` }))
      const res = await sendBatch(collector.url, events, { token })
      if (res.status === 202) acked.push(...events.map((e) => e.id!))
      else full = res
    }
    expect(full?.status).toBe(503)
    expect(Number(full!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(((await full!.json()) as { error: { code: string } }).error.code).toBe('ERR_SPOOL_FULL')
    expect(acked.length).toBeGreaterThan(0)

    rmSync(ballast)
    const again = Array.from({ length: 10 }, () => pageview())
    expect((await sendBatch(collector.url, again, { token })).status).toBe(202)
    acked.push(...again.map((e) => e.id!))

    await collector.stop() // SIGTERM drains the spool into ClickHouse
    await collector.start()
    const ids = await collector.sql<{ id: string }>('SELECT toString(id) AS id FROM tally.events')
    expect(ids.map((r) => r.id).sort()).toEqual([...acked].sort())
  })
})
