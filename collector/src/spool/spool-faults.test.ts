import { mkdtempSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Spool } from './spool.js'
import { SpoolFullError, SpoolWriteError } from './errors.js'
import type { OpenSegmentFile } from './segment-file.js'

/** Real files, with the faults a disk can give switched on and off by the test. */
function faultyDisk() {
  const faults = { bytesPerWrite: Infinity, spaceLeft: Infinity, datasync: '', truncate: '' }
  const fail = (code: string) => Object.assign(new Error(`injected ${code}`), { code })
  const openFile: OpenSegmentFile = async (path) => {
    const file = await open(path, 'wx')
    return {
      async write(data, offset, length, position) {
        if (faults.spaceLeft <= 0) throw fail('ENOSPC')
        const n = Math.min(length, faults.bytesPerWrite, faults.spaceLeft)
        faults.spaceLeft -= n
        return file.write(data, offset, n, position)
      },
      datasync: () => (faults.datasync ? Promise.reject(fail(faults.datasync)) : file.datasync()),
      truncate: (length) => (faults.truncate ? Promise.reject(fail(faults.truncate)) : file.truncate(length)),
      close: () => file.close(),
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'tally-spool-faults-'))
  const spool = new Spool({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 20, openFile })
  return { faults, spool, dir }
}

const payload = (i: number, size = 40) => Buffer.from(`{"v":1,"e":[["event-${i}-${'x'.repeat(size)}"]],"r":[]}`)
const fileSize = (dir: string) => statSync(join(dir, '000000000001.seg')).size

async function readAll(spool: Spool): Promise<string[]> {
  await spool.seal()
  const out: string[] = []
  for (const s of spool.segments()) out.push(...(await spool.readRecords(s)).payloads.map(String))
  return out
}

describe('spool writes on a failing disk', () => {
  it('short writes: every acknowledged append is whole on disk', async () => {
    const { faults, spool } = faultyDisk()
    faults.bytesPerWrite = 7
    await Promise.all(Array.from({ length: 30 }, (_, i) => spool.append(payload(i))))
    expect(await readAll(spool)).toEqual(Array.from({ length: 30 }, (_, i) => String(payload(i))))
  })

  it('ENOSPC part-way through a round: no append of the round is acked, the file is cut back, the next round succeeds', async () => {
    const { faults, spool, dir } = faultyDisk()
    await spool.append(payload(0))
    const committed = fileSize(dir)
    faults.spaceLeft = 100 // part of the next round fits, then the disk is full
    const round = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => spool.append(payload(i + 1))))
    expect(round.map((r) => r.status)).toEqual(Array(5).fill('rejected'))
    for (const r of round) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(SpoolFullError)
    expect((round[0] as PromiseRejectedResult).reason.code).toBe('ERR_SPOOL_FULL')
    expect(fileSize(dir)).toBe(committed)

    faults.spaceLeft = Infinity // space again
    await spool.append(payload(9))
    expect(await readAll(spool)).toEqual([String(payload(0)), String(payload(9))])
    const [segment] = spool.segments()
    expect(await spool.readRecords(segment!)).toMatchObject({ skippedBytes: 0, tornBytes: 0 })
  })

  it('fdatasync fails (EIO): the round is refused as unavailable and cut back; the spool stays usable', async () => {
    const { faults, spool, dir } = faultyDisk()
    await spool.append(payload(0))
    const committed = fileSize(dir)
    faults.datasync = 'EIO'
    const err = await spool.append(payload(1)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SpoolWriteError)
    expect((err as SpoolWriteError).code).toBe('ERR_SPOOL_UNAVAILABLE')
    expect(fileSize(dir)).toBe(committed)
    faults.datasync = ''
    await spool.append(payload(2))
    expect(await readAll(spool)).toEqual([String(payload(0)), String(payload(2))])
  })

  it('a file that cannot even be cut back is sealed; nothing acknowledged is lost and the next round uses a new segment', async () => {
    const { faults, spool } = faultyDisk()
    await spool.append(payload(0))
    faults.datasync = 'EIO'
    faults.truncate = 'EIO'
    await expect(spool.append(payload(1))).rejects.toBeInstanceOf(SpoolWriteError)
    faults.datasync = ''
    faults.truncate = ''
    await spool.append(payload(2))
    await spool.seal()
    const [first, second] = spool.segments()
    const old = await spool.readRecords(first!)
    // The refused round stays in the sealed file after the last acked record. Read or torn,
    // its events were answered 503: the client resends them, and ids are stored once.
    expect(old.payloads.map(String)[0]).toBe(String(payload(0)))
    expect((await spool.readRecords(second!)).payloads.map(String)).toEqual([String(payload(2))])
  })

  it('a disk full before the first byte of a new segment: refused, and the segment is usable afterwards', async () => {
    const { faults, spool } = faultyDisk()
    faults.spaceLeft = 0
    await expect(spool.append(payload(0))).rejects.toBeInstanceOf(SpoolFullError)
    faults.spaceLeft = Infinity
    await spool.append(payload(1))
    const segments = (await readAll(spool), spool.segments())
    expect(segments).toHaveLength(1)
    expect((await spool.readRecords(segments[0]!)).payloads.map(String)).toEqual([String(payload(1))])
  })
})
