import { ClickHouseError } from '@clickhouse/client'
import type { Logger } from '../logger.js'
import type { Storage } from './client.js'
import { migrate } from './migrate.js'

/**
 * Brings the schema up to date. With a ClickHouse server that cannot be reached at
 * start-up, the collector still starts (the spool takes events), and migrations are
 * retried in the background; the writer starts once they have run. What the server
 * refuses (a ClickHouseError) and a changed migration stay fatal.
 */
export class SchemaReadiness {
  ready = false
  lastError: string | undefined

  constructor(
    private readonly storage: Storage,
    private readonly logger: Logger,
    private readonly maxBackoffMs: number,
  ) {}

  /** Resolves when migrated for good; `onReady` runs then. Throws only on fatal errors. */
  async start(onReady: () => void): Promise<void> {
    if (await this.attempt()) return onReady()
    if (this.storage.mode === 'embedded') throw new Error(`cannot open the embedded engine: ${this.lastError}`)
    this.logger.warn('ClickHouse unreachable at start-up; accepting into the spool and retrying migrations', { error: this.lastError })
    void this.retry(onReady)
  }

  private async retry(onReady: () => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(this.maxBackoffMs, 250 * 2 ** attempt)).unref())
      try {
        if (await this.attempt()) return onReady()
      } catch (err) {
        this.logger.error('migrations failed; the writer stays stopped', { error: (err as Error).message })
        this.lastError = (err as Error).message
        return
      }
    }
  }

  /** True when migrated; false when the server could not be reached; throws when fatal. */
  private async attempt(): Promise<boolean> {
    try {
      const ran = await migrate(this.storage.client, this.storage.database)
      if (ran.length > 0) this.logger.info('migrations applied', { ran })
      this.ready = true
      this.lastError = undefined
      return true
    } catch (err) {
      if (err instanceof ClickHouseError || (err as { code?: string }).code === 'ERR_MIGRATION') throw err
      this.lastError = (err as Error).message
      return false
    }
  }
}
