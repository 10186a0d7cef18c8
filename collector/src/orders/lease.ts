import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { ClickHouseClient } from '@clickhouse/client'
import { ORDER_TABLES, orderTable } from './order-tables.js'

/**
 * Who applies orders when several collectors share one ClickHouse. ClickHouse has no
 * compare-and-set, so the lease is a rule every candidate evaluates on the same rows:
 * each candidate inserts a heartbeat row (server time `at`) every few seconds, carrying
 * `since`, the server time of its identity's first beat; the holder is the live
 * candidate (a beat within `ttlMs`) with the earliest `since` (ties: holder id). Every
 * beat carries `since`, so the rule holds however long candidates run (not only while
 * their first beats are still stored). A newcomer's first beat is always later than the running
 * holder's, so it never preempts it; when the holder dies, its beats age out and the
 * next-oldest live candidate takes over. A candidate that has not beaten for ttl/2 by
 * its own clock (a long pause) drops its identity and starts again as a newcomer, so a
 * paused holder cannot come back and apply beside its successor. The identity is kept in
 * a file beside the spool, so a collector restarted after a crash takes its lease back at
 * once instead of waiting for its own old beats to age out. With `exclusive` (embedded:
 * the data folder is held by one process) the lease always holds; beats keep the cursor.
 */
export class ApplierLease {
  private holder: string
  /** Server time of this identity's first beat, as ClickHouse writes it; read back after that beat. */
  private since: string | undefined
  private lastBeat = -Infinity

  constructor(
    private readonly client: ClickHouseClient,
    private readonly database: string,
    readonly ttlMs: number,
    private readonly identityFile: string,
    private readonly exclusive: boolean,
  ) {
    this.holder = existsSync(identityFile) ? readFileSync(identityFile, 'utf8').trim() : this.renew()
  }

  get id(): string {
    return this.holder
  }

  /** Beats (recording how far this applier has applied) and says whether it holds the lease. */
  async beat(cursorMicros: number): Promise<boolean> {
    if (performance.now() - this.lastBeat > this.ttlMs / 2 && this.lastBeat !== -Infinity) this.holder = this.renew()
    const table = orderTable(this.database, ORDER_TABLES.lease)
    // The first beat of an identity takes `since` from the server's clock (the column's default).
    await this.client.insert({ table, values: [{ holder: this.holder, cursor: cursorMicros, ...(this.since !== undefined && { since: this.since }) }], format: 'JSONEachRow' })
    this.since ??= await this.firstBeat()
    this.lastBeat = performance.now()
    return this.exclusive || (await this.currentHolder()) === this.holder
  }

  /** Still safe to write: the last beat was recent enough that no one else can have taken over. */
  fresh(): boolean {
    return this.exclusive || performance.now() - this.lastBeat < this.ttlMs / 2
  }

  private renew(): string {
    this.since = undefined
    const holder = randomUUID()
    writeFileSync(this.identityFile, holder)
    return holder
  }

  async currentHolder(): Promise<string | undefined> {
    const table = orderTable(this.database, ORDER_TABLES.lease)
    const rs = await this.client.query({
      query: `SELECT holder FROM (
                SELECT holder, min(since) AS first FROM ${table}
                WHERE at > now64(3) - toIntervalMillisecond({ttl:UInt32}) GROUP BY holder)
              ORDER BY first, holder LIMIT 1`,
      query_params: { ttl: this.ttlMs },
      format: 'JSONEachRow',
    })
    return (await rs.json<{ holder: string }>())[0]?.holder
  }

  /** The earliest `since` this identity's stored beats carry (a restart with the same identity keeps its place). */
  private async firstBeat(): Promise<string | undefined> {
    const rs = await this.client.query({
      query: `SELECT toString(min(since)) AS since FROM ${orderTable(this.database, ORDER_TABLES.lease)} WHERE holder = {holder:String}`,
      query_params: { holder: this.holder },
      format: 'JSONEachRow',
    })
    return (await rs.json<{ since: string }>())[0]?.since
  }

  /** How far any applier has applied (µs of `order_versions.inserted_at`); 0 when none has. */
  async lastCursor(): Promise<number> {
    const rs = await this.client.query({
      query: `SELECT toString(toUnixTimestamp64Micro(max(cursor))) AS cursor FROM ${orderTable(this.database, ORDER_TABLES.lease)}`,
      format: 'JSONEachRow',
    })
    return Number((await rs.json<{ cursor: string }>())[0]?.cursor ?? 0)
  }
}
