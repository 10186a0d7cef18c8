import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Another live process holds the data folder: one clear line at start-up, no engine stack trace. */
export class DataFolderLockedError extends Error {
  readonly code = 'ERR_DATA_LOCKED'
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`another collector (pid ${pid}) holds the data folder ${dir}`)
  }
}

export interface DataLock {
  readonly path: string
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void
}

export const LOCK_FILE = 'collector.lock'

/** What the lock file holds: the PID, and its start time where /proc tells it (so a reused PID is not mistaken for the holder). */
interface LockRecord {
  pid: number
  started?: string
}

/**
 * Takes `<dataDir>/collector.lock` before the storage opens: chDB allows one process per
 * folder, and the spool is per process in server mode too. Created atomically (link, which
 * fails if it exists) with our PID; a lock whose process is gone (crash, kill -9) is taken over. The lock is removed by
 * `release()` and, as a last resort, when the process exits.
 *
 * Not guarded: two processes taking over the same stale lock at the same instant (the
 * engine's own folder lock still stops the second), and folders shared between hosts.
 *
 * @example
 * const lock = lockDataFolder(dataDir) // throws DataFolderLockedError
 * try { … } finally { lock.release() }
 */
export function lockDataFolder(dataDir: string): DataLock {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, LOCK_FILE)
  const mine: LockRecord = { pid: process.pid, started: startTime(process.pid) }
  // Written in full under a name of our own, then linked into place: link() fails if the
  // lock exists (like O_EXCL), and nobody ever reads a half-written lock.
  const draft = `${path}.${process.pid}`
  writeFileSync(draft, `${JSON.stringify(mine)}\n`, { mode: 0o600 })
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, path)
        break
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err
      }
      const holder = readLock(path)
      if (holder && isAlive(holder)) throw new DataFolderLockedError(dataDir, holder.pid)
      unlinkSync(path) // stale: its process is gone
    }
  } finally {
    unlinkSync(draft)
  }
  let released = false
  const release = () => {
    if (released) return
    released = true
    process.removeListener('exit', release)
    if (readLock(path)?.pid === process.pid) unlinkSync(path)
  }
  process.on('exit', release)
  return { path, release }
}

function readLock(path: string): LockRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockRecord>
    return Number.isInteger(record.pid) && record.pid! > 0 ? (record as LockRecord) : undefined
  } catch {
    return undefined // unreadable (it is never half written): nobody holds it
  }
}

function isAlive(holder: LockRecord): boolean {
  if (holder.pid === process.pid) return false // a previous life of this PID (a container restarted)
  try {
    process.kill(holder.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const started = startTime(holder.pid)
  return holder.started === undefined || started === undefined || started === holder.started
}

/** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat, field 22). */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}
