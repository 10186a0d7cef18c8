import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ClickHouseClient } from '@clickhouse/client'
import type { ReadClient } from '../storage/read-pool.js'
import { TABLES } from '../storage/tables.js'

/** What a share link's secret starts with (so the dashboard's gate knows which check to run). */
export const SHARE_PREFIX = 'tsh_'
/** How long a snapshot of the shares is trusted: a revocation takes effect within this, on every collector. */
export const SHARE_CACHE_MS = 2_000

/** A share as listed: never its secret, nor the secret's hash. */
export interface ShareInfo {
  id: string
  site: string
  label: string
  created_at: string
  revoked: boolean
}

interface ActiveShare {
  id: string
  site: string
  hash: Buffer
}

export interface ShareStoreClients {
  /** Writes (the writer's client). */
  client: ClickHouseClient
  /** Reads (the dashboard's read-only session). */
  readClient: Pick<ReadClient, 'query'>
  database: string
}

/**
 * The dashboard's share links, in `dashboard_shares` (migration 010). A link's secret is
 * `tsh_` + 256 random bits (base64url), handed out once; only its SHA-256 is stored.
 * Lookups compare the given secret's hash with every active share's in constant time,
 * over a snapshot of the table re-read when older than SHARE_CACHE_MS (at most one read
 * in flight), so unknown secrets cost no query and a revocation made on any collector
 * holds everywhere within that bound.
 */
export class ShareStore {
  private snapshot: { at: number; shares: ActiveShare[] } | undefined
  private reading: Promise<ActiveShare[]> | undefined
  /** Bumped by a revocation here, so a read that began before it is not kept. */
  private generation = 0
  private readonly table: string

  constructor(
    private readonly storage: ShareStoreClients,
    private readonly cacheMs = SHARE_CACHE_MS,
  ) {
    this.table = `${storage.database}.${TABLES.dashboardShares}`
  }

  /** Creates a share of `site`; answers it with its secret (the only time the secret exists). Valid here at once, elsewhere within the cache bound. */
  async create(site: string, label: string): Promise<ShareInfo & { secret: string }> {
    const id = `sh_${randomBytes(9).toString('base64url')}`
    const secret = `${SHARE_PREFIX}${randomBytes(32).toString('base64url')}`
    const created_at = new Date().toISOString()
    await this.storage.client.insert({
      table: this.table,
      values: [{ id, site_id: site, label, secret_sha256: sha256(secret).toString('hex'), created_at: created_at.replace('T', ' ').replace('Z', ''), revoked: 0 }],
      format: 'JSONEachRow',
    })
    this.forget()
    return { id, site, label, created_at, revoked: false, secret }
  }

  /** Revokes a share: false when no share has this id. Takes effect here at once, elsewhere within the cache bound. */
  async revoke(id: string): Promise<boolean> {
    const known = (await this.list()).some((s) => s.id === id)
    if (!known) return false
    await this.storage.client.command({
      query: `INSERT INTO ${this.table} (id, site_id, label, secret_sha256, created_at, revoked, revoked_at)
              SELECT id, site_id, label, secret_sha256, created_at, 1, now64(3) FROM ${this.table} WHERE id = {id:String} LIMIT 1`,
      query_params: { id },
    })
    this.forget()
    return true
  }

  /** Drops the snapshot after a change made here, so this collector sees it at once. */
  private forget(): void {
    this.generation++
    this.snapshot = undefined
    this.reading = undefined
  }

  /** Every share, newest first, without secrets. */
  async list(): Promise<ShareInfo[]> {
    const result = await this.storage.readClient.query({
      query: `SELECT id, any(site_id) AS site, any(label) AS label, min(created_at) AS created_at, max(revoked) AS revoked
              FROM ${this.table} GROUP BY id ORDER BY created_at DESC, id`,
      format: 'JSONEachRow',
    })
    const rows = await result.json<{ id: string; site: string; label: string; created_at: string; revoked: number }>()
    return rows.map((r) => ({ ...r, created_at: `${r.created_at.replace(' ', 'T')}Z`, revoked: Number(r.revoked) === 1 }))
  }

  /** The site a share secret shows, or undefined when unknown or revoked. */
  async lookup(secret: string): Promise<string | undefined> {
    const hash = sha256(secret)
    let site: string | undefined
    for (const share of await this.active()) {
      // Every active share is compared, in constant time each: no early exit on a match.
      if (timingSafeEqual(share.hash, hash)) site = share.site
    }
    return site
  }

  private async active(): Promise<ActiveShare[]> {
    if (this.snapshot && Date.now() - this.snapshot.at < this.cacheMs) return this.snapshot.shares
    if (!this.reading) {
      const reading = this.readActive().finally(() => {
        if (this.reading === reading) this.reading = undefined
      })
      this.reading = reading
    }
    return this.reading
  }

  private async readActive(): Promise<ActiveShare[]> {
    const at = Date.now()
    const generation = this.generation
    const result = await this.storage.readClient.query({
      query: `SELECT id, any(site_id) AS site, any(secret_sha256) AS hash FROM ${this.table} GROUP BY id HAVING max(revoked) = 0`,
      format: 'JSONEachRow',
    })
    const shares = (await result.json<{ id: string; site: string; hash: string }>())
      .map((r) => ({ id: r.id, site: r.site, hash: Buffer.from(r.hash, 'hex') }))
      .filter((s) => s.hash.length === 32)
    if (generation === this.generation) this.snapshot = { at, shares }
    return shares
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest()
