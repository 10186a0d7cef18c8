import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Spool } from './spool.js'
import { SpoolFullError } from './errors.js'

const dir = () => mkdtempSync(join(tmpdir(), 'tally-spool-'))
const open = (d: string, over: Partial<{ maxBytes: number; segmentBytes: number }> = {}) =>
  new Spool({ dir: d, maxBytes: 1024 * 1024, segmentBytes: 64 * 1024, ...over })

async function readAll(spool: Spool): Promise<string[]> {
  const out: string[] = []
  for (const s of spool.segments()) out.push(...(await spool.readRecords(s)).payloads.map((p) => p.toString()))
  return out
}

describe('Spool', () => {
  it('keeps every acknowledged append, in order, across a reopen', async () => {
    const d = dir()
    const spool = open(d)
    await Promise.all(Array.from({ length: 100 }, (_, i) => spool.append(Buffer.from(`record-${i}`))))
    await spool.seal()
    const reopened = open(d)
    expect(await readAll(reopened)).toEqual(Array.from({ length: 100 }, (_, i) => `record-${i}`))
  })

  it('groups concurrent appends into few write+fsync rounds', async () => {
    const d = dir()
    const spool = open(d, { segmentBytes: 10 * 1024 * 1024 })
    await Promise.all(Array.from({ length: 500 }, (_, i) => spool.append(Buffer.from(`r${i}`))))
    expect(spool.commitRounds).toBeLessThanOrEqual(5) // 500 appends waiting together: one round, maybe a few
    await spool.close()
    expect(readdirSync(d)).toHaveLength(1)
    expect(await readAll(open(d))).toHaveLength(500)
  })

  it('rolls to a new segment at the size limit', async () => {
    const d = dir()
    const spool = open(d, { segmentBytes: 1024 })
    for (let i = 0; i < 20; i++) await spool.append(Buffer.alloc(200, 97))
    expect(spool.segments().length).toBeGreaterThanOrEqual(3)
  })

  it('ignores a torn record at the end of a segment (never acknowledged)', async () => {
    const d = dir()
    const spool = open(d)
    await spool.append(Buffer.from('whole'))
    await spool.seal()
    const [segment] = spool.segments()
    appendFileSync(segment!.path, Buffer.from([50, 0, 0, 0, 1, 2, 3, 4, 65, 66])) // header says 50 bytes, 2 follow
    const { payloads, tornBytes } = await spool.readRecords(segment!)
    expect(payloads.map(String)).toEqual(['whole'])
    expect(tornBytes).toBe(10)
  })

  it('refuses appends past maxBytes with a Retry-After hint, and accepts again once drained', async () => {
    const d = dir()
    const spool = open(d, { maxBytes: 4096 })
    await spool.append(Buffer.alloc(3000))
    const err = await spool.append(Buffer.alloc(2000)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SpoolFullError)
    expect((err as SpoolFullError).retryAfterSeconds).toBeGreaterThanOrEqual(1)
    await spool.seal()
    for (const s of spool.segments()) await spool.remove(s)
    await expect(spool.append(Buffer.alloc(2000))).resolves.toBeUndefined()
  })
})
