import type { Hono } from 'hono'
import type { Storage } from '../storage/client.js'
import type { SchemaReadiness } from '../storage/schema-ready.js'
import type { Spool } from '../spool/spool.js'
import type { Metrics } from '../metrics/metrics.js'
import type { Writer } from '../writer/writer.js'

export interface OpsDeps {
  storage: Storage
  schema: Pick<SchemaReadiness, 'ready' | 'lastError'>
  spool: Spool
  writer: Writer
  metrics: Metrics
  spoolMaxBytes: number
  isDraining: () => boolean
}

/** Spool lag above which the collector reports itself not ready (ms). */
const READY_MAX_LAG_MS = 60_000
/** Failed writer rounds in a row after which the collector reports itself not ready. */
export const WRITER_FAILING_ROUNDS = 3
/** A probe must answer fast, even when ClickHouse hangs; SELECT 1 also checks credentials. */
const PING_TIMEOUT_MS = 1_000

/**
 * `/healthz` (the process answers), `/readyz` (ClickHouse reachable, migrations done,
 * spool not backed up, writer not stuck: fewer than WRITER_FAILING_ROUNDS failed
 * rounds in a row), `/metrics`.
 */
export function mountOpsRoutes(app: Hono, deps: OpsDeps): void {
  app.get('/healthz', (c) => c.json({ ok: true }))

  app.get('/readyz', async (c) => {
    const ping = await deps.storage.client.ping({ select: true, abort_signal: AbortSignal.timeout(PING_TIMEOUT_MS) }).catch((error: unknown) => ({ success: false as const, error }))
    const lagMs = deps.spool.oldestAgeMs()
    const spoolBytes = deps.spool.bytes
    const checks = {
      clickhouse: ping.success ? 'ok' : `unreachable: ${errorMessage(ping)}`,
      schema: deps.schema.ready ? 'ok' : `migrations pending: ${deps.schema.lastError ?? 'starting'}`,
      spool: spoolBytes >= deps.spoolMaxBytes * 0.9 ? 'nearly full' : lagMs > READY_MAX_LAG_MS ? 'lagging' : 'ok',
      writer: deps.writer.consecutiveFailures >= WRITER_FAILING_ROUNDS ? `failing: ${deps.writer.consecutiveFailures} rounds in a row: ${deps.writer.lastError ?? ''}` : 'ok',
      draining: deps.isDraining(),
    }
    const ready = checks.clickhouse === 'ok' && deps.schema.ready && checks.spool === 'ok' && checks.writer === 'ok' && !checks.draining
    return c.json({ ready, checks, spool: { bytes: spoolBytes, segments: deps.spool.segments().length, lag_ms: lagMs }, writer_error: deps.writer.lastError ?? null }, ready ? 200 : 503)
  })

  app.get('/metrics', (c) => c.text(deps.metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4' }))
}

function errorMessage(ping: { success: boolean; error?: unknown }): string {
  return ping.error instanceof Error ? ping.error.message : 'no answer'
}
