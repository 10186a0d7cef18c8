import { mkdir, open, rename, unlink } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { syncDirectory } from './sync-directory.js'

/** The file operations the spool's writes need: a seam for fault injection in tests. */
export interface SegmentFile {
  write(data: Buffer, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>
  datasync(): Promise<void>
  truncate(length: number): Promise<void>
  close(): Promise<void>
}

/** Opens a new segment file (`wx`: never an existing one). */
export type OpenSegmentFile = (path: string) => Promise<SegmentFile>

export const openSegmentFile: OpenSegmentFile = (path) => open(path, 'wx')

/** Creates a segment file whose name survives a crash (the folder is fsynced), or none. */
export async function createSegmentFile(openFile: OpenSegmentFile, path: string, dir: string): Promise<SegmentFile> {
  const file = await openFile(path)
  try {
    await syncDirectory(dir)
    return file
  } catch (err) {
    await file.close().catch(() => undefined)
    await unlink(path).catch(() => undefined)
    throw err
  }
}

/**
 * Writes all of `data` at `position`. A write may take only part of the buffer (a
 * nearly full disk): write the rest until it is all there or the disk says why not.
 */
export async function writeFully(file: SegmentFile, data: Buffer, position: number): Promise<void> {
  let done = 0
  while (done < data.length) {
    const { bytesWritten } = await file.write(data, done, data.length - done, position + done)
    if (bytesWritten <= 0) throw Object.assign(new Error('the disk took no bytes of a spool write'), { code: 'EIO' })
    done += bytesWritten
  }
}

/**
 * After a failed write or fdatasync: cuts the file back to its last committed length, so
 * the next round appends right after whole records. False when even that failed.
 */
export async function cutBack(file: SegmentFile, committedBytes: number): Promise<boolean> {
  try {
    await file.truncate(committedBytes)
    return true
  } catch {
    return false
  }
}

/** Moves a damaged segment to `<dir>/corrupt/` (kept for a person to look at, never deleted). */
export async function quarantine(path: string, dir: string): Promise<string> {
  const folder = join(dir, 'corrupt')
  await mkdir(folder, { recursive: true })
  // Sequence numbers restart once the spool is empty: the time keeps names unique.
  const target = join(folder, `${Date.now()}-${basename(path)}`)
  await rename(path, target)
  await syncDirectory(folder)
  await syncDirectory(dir)
  return target
}
