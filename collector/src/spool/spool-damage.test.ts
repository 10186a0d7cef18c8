import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Spool } from './spool.js'
import type { Logger } from '../logger.js'

const record = (i: number) => Buffer.from(`{"v":1,"e":[["event-${i}"]],"r":[]}`)

async function sealedSegment(records: number) {
  const dir = mkdtempSync(join(tmpdir(), 'tally-spool-damage-'))
  const warnings: { message: string; fields?: Record<string, unknown> }[] = []
  const logger: Logger = { info: () => {}, error: () => {}, warn: (message, fields) => warnings.push({ message, fields }) }
  const skipped: [number, string][] = []
  const spool = new Spool({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 20, logger, onSkipped: (bytes, _path, kind) => skipped.push([bytes, kind]) })
  for (let i = 0; i < records; i++) await spool.append(record(i))
  await spool.seal()
  return { dir, spool, segment: spool.segments()[0]!, warnings, skipped }
}

describe('a damaged spool segment', () => {
  it('garbage in the middle: the records after it are kept, the bytes counted and logged once, the segment quarantined', async () => {
    const { dir, spool, segment, warnings, skipped } = await sealedSegment(10)
    const data = readFileSync(segment.path)
    const recordBytes = 16 + record(0).length
    const third = 8 + 2 * recordBytes
    data.fill(0xab, third + 5, third + 20) // inside the third record
    writeFileSync(segment.path, data)

    const read = await spool.readRecords(segment)
    expect(read.payloads.map(String)).toEqual([0, 1, 3, 4, 5, 6, 7, 8, 9].map((i) => String(record(i))))
    expect(read.skippedBytes).toBe(recordBytes)
    await spool.readRecords(segment) // a writer retry reads it again: reported once
    expect(skipped).toEqual([[recordBytes, 'corrupt']])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]!.fields).toMatchObject({ segment: segment.path, skipped_bytes: recordBytes, ranges: [`${third}-${third + recordBytes}`] })

    await spool.remove(segment) // written to ClickHouse: the damaged file is kept, not deleted
    expect(spool.segments()).toEqual([])
    expect(readdirSync(dir)).toEqual(['corrupt'])
    const [kept] = readdirSync(join(dir, 'corrupt'))
    expect(readFileSync(join(dir, 'corrupt', kept!))).toEqual(data)
    expect(warnings.at(-1)!.message).toMatch(/kept for inspection/)
  })

  it('a zero-filled tail: every record read, the zeros counted as a torn tail, the segment deleted', async () => {
    const { dir, spool, segment, skipped } = await sealedSegment(3)
    writeFileSync(segment.path, Buffer.concat([readFileSync(segment.path), Buffer.alloc(8192)]))
    const read = await spool.readRecords(segment)
    expect(read.payloads).toHaveLength(3)
    expect([read.skippedBytes, read.tornBytes]).toEqual([0, 8192])
    expect(skipped).toEqual([[8192, 'torn']])
    await spool.remove(segment)
    expect(readdirSync(dir)).toEqual([])
  })

  it('zeros over the last acknowledged record of a segment this process sealed: damage, kept in corrupt/', async () => {
    const { dir, spool, segment, warnings } = await sealedSegment(3)
    const data = readFileSync(segment.path)
    data.fill(0, data.length - 10) // the end of the third record, acknowledged with 202
    writeFileSync(segment.path, data)
    const read = await spool.readRecords(segment)
    expect(read.payloads).toHaveLength(2)
    expect(warnings.at(-1)!.message).toMatch(/acknowledged spool bytes read as no record/)
    await spool.remove(segment)
    expect(readdirSync(join(dir, 'corrupt'))).toHaveLength(1)
  })

  it('a damaged segment left by a previous process is still quarantined, even if removed without being read', async () => {
    const { dir, segment } = await sealedSegment(4)
    const data = readFileSync(segment.path)
    data.fill(0, 8, 20) // the first record's header
    writeFileSync(segment.path, data)
    const reopened = new Spool({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 20 })
    await reopened.remove(reopened.segments()[0]!)
    expect(readdirSync(join(dir, 'corrupt'))).toHaveLength(1)
  })
})
