import { createHash, randomBytes } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Lru } from './lru.js'

const DAY_MS = 86_400_000

/** The salts in force on one UTC day. */
export interface DailySalts {
  /** `YYYY-MM-DD`, UTC. */
  day: string
  today: Buffer
  /** The previous day's salt, if this store made (or found) one. */
  yesterday: Buffer | null
}

export interface SaltStore {
  /** The salts for the UTC day of `now` (ms). Never goes back to an earlier day. */
  at(now: number): DailySalts
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/**
 * Daily salts for cookieless visitor ids: one random 32-byte salt per UTC day, in
 * `dir/salt-YYYY-MM-DD.json`. Only today's and yesterday's files are kept; older
 * ones are deleted on the day change, so old visitor ids cannot be recomputed.
 *
 * A new salt is written to a temporary file and then hard-linked into place, which
 * is atomic like a rename but never replaces an existing file: when two processes
 * share `dir`, the first salt of the day wins and both use it. File work happens
 * only at start-up and once a day (synchronously, a few small files).
 */
export function createSaltStore(dir: string): SaltStore {
  const fileOf = (day: string) => join(dir, `salt-${day}.json`)

  function read(day: string): Buffer | null {
    let text: string
    try {
      text = readFileSync(fileOf(day), 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    const salt = Buffer.from(String((JSON.parse(text) as { salt?: unknown }).salt ?? ''), 'hex')
    if (salt.length !== 32) throw new Error(`tally: ${fileOf(day)} holds no 32-byte salt; delete it to make a new one`)
    return salt
  }

  function create(day: string): Buffer {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const tmp = `${fileOf(day)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    writeFileSync(tmp, JSON.stringify({ day, salt: randomBytes(32).toString('hex') }), { mode: 0o600, flush: true })
    try {
      linkSync(tmp, fileOf(day))
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS') renameSync(tmp, fileOf(day)) // no hard links here
      else if (code !== 'EEXIST') throw err // EEXIST: another process won; use its salt
    } finally {
      try { unlinkSync(tmp) } catch { /* renamed */ }
    }
    return read(day) as Buffer
  }

  /** Deletes every salt (and leftover temporary file) older than `yesterday`. */
  function prune(yesterday: string): void {
    for (const name of readdirSync(dir)) {
      if (name.startsWith('salt-') && name.slice(5, 15) < yesterday) unlinkSync(join(dir, name))
    }
  }

  let current: DailySalts | null = null
  return {
    at(now: number): DailySalts {
      const day = dayOf(now)
      if (current && day <= current.day) return current
      const yesterday = dayOf(Date.parse(day) - DAY_MS)
      current = { day, today: read(day) ?? create(day), yesterday: read(yesterday) }
      prune(yesterday)
      return current
    },
  }
}

const hex32 = (input: string): string => createHash('sha256').update(input).digest('hex').slice(0, 32)

/** Visitor id from the SDK's anonymous id: stable for a (site, anon_id), no salt. */
export function visitorFromAnonId(siteId: string, anonId: string): string {
  return hex32(`anon\0${siteId}\0${anonId}`)
}

/** Visitor id from the customer's user id (server events that carry no anon_id). */
export function visitorFromUserId(siteId: string, userId: string): string {
  return hex32(`user\0${siteId}\0${userId}`)
}

export interface ConnectionVisitorOptions {
  salts: SaltStore
  /** Visitor ids remembered for the midnight carry-over. Default 100,000. */
  recentEntries?: number
  /** A visitor active this recently keeps yesterday's id after midnight. Default 30 min. */
  carryOverMs?: number
}

/**
 * Cookieless visitor ids: hash(daily salt, site, IP, UA), 32 hex characters. The IP
 * goes into the hash and nowhere else.
 *
 * Across midnight: every id handed out is remembered with its last-seen time in a
 * bounded LRU (keys are hashes, never IPs). After the day changes, the id under
 * yesterday's salt is computed too; if it was seen within `carryOverMs`, the
 * visitor keeps it, and keeps it as long as they stay active. Otherwise today's id
 * is used. The memory is per process: behind a load balancer, carry-over only works
 * for a visitor who reaches the same collector (and all collectors must share `dir`).
 */
export function createConnectionVisitor(
  options: ConnectionVisitorOptions,
): (siteId: string, ip: string, userAgent: string, now: number) => string {
  const recent = new Lru<string, number>(options.recentEntries ?? 100_000)
  const carryOverMs = options.carryOverMs ?? 30 * 60_000
  const hash = (salt: Buffer, rest: string) =>
    createHash('sha256').update(salt).update(rest).digest('hex').slice(0, 32)

  return function connectionVisitor(siteId, ip, userAgent, now) {
    const { today, yesterday } = options.salts.at(now)
    const rest = `\0${siteId}\0${ip}\0${userAgent}`
    if (yesterday) {
      const old = hash(yesterday, rest)
      const seen = recent.get(old)
      if (seen !== undefined && now - seen <= carryOverMs) {
        recent.set(old, now)
        return old
      }
    }
    const id = hash(today, rest)
    recent.set(id, now)
    return id
  }
}
