import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { Spool } from './spool.js'
import { decodePayload } from './payload.js'
import { EVENT_COLUMNS } from '../storage/rows.js'

// fixtures/v1-segment.seg was written by the collector before framing v2 (fixtures/README.md).
const FIXTURE = fileURLToPath(new URL('./fixtures/v1-segment.seg', import.meta.url))

function spoolWithFixture(tail?: Buffer) {
  const dir = mkdtempSync(join(tmpdir(), 'tally-spool-v1-'))
  mkdirSync(dir, { recursive: true })
  const path = join(dir, '000000000007.seg')
  copyFileSync(FIXTURE, path)
  if (tail) appendFileSync(path, tail)
  const skipped: number[] = []
  const spool = new Spool({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16, onSkipped: (bytes) => skipped.push(bytes) })
  return { dir, spool, skipped }
}

describe('a segment written by the previous collector (framing v1)', () => {
  it('is read after the upgrade: every event and refused event, then new appends go to v2 segments', async () => {
    const { spool } = spoolWithFixture()
    const [old] = spool.segments()
    const { payloads, skippedBytes, tornBytes } = await spool.readRecords(old!)
    expect([skippedBytes, tornBytes]).toEqual([0, 0])
    const decoded = payloads.map(decodePayload)
    expect(decoded.flatMap((p) => p.events.map((e) => e[0]))).toEqual([1, 2, 3, 4].map((n) => `018f2a6e-0000-7000-8000-00000000000${n}`))
    expect(decoded.flatMap((p) => p.rejected.map((r) => r.reason))).toEqual(['invalid_event', 'too_large'])
    expect(decoded[1]!.events[0]![EVENT_COLUMNS.indexOf('props')]).toEqual({ sku: 'A-7', 价格: '12.50' })

    await spool.append(Buffer.from('{"v":1,"e":[],"r":[]}'))
    await spool.seal()
    const [, fresh] = spool.segments()
    expect(fresh!.seq).toBe(8) // numbering continues after the old segment
    expect((await spool.readRecords(fresh!)).payloads.map(String)).toEqual(['{"v":1,"e":[],"r":[]}'])
  })

  it('ending in zeros (a crash on a filesystem that extends files first): the records, and the zeros as a torn tail', async () => {
    const { spool, skipped, dir } = spoolWithFixture(Buffer.alloc(4096))
    const [old] = spool.segments()
    const { payloads, tornBytes } = await spool.readRecords(old!)
    expect(payloads).toHaveLength(4)
    for (const p of payloads) expect(() => decodePayload(p)).not.toThrow() // no empty payload
    expect(tornBytes).toBe(4096)
    expect(skipped).toEqual([4096])
    await spool.remove(old!) // a torn tail alone: deleted as usual once written
    expect(readdirSync(dir)).toEqual([])
  })
})
