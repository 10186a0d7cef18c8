import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve, type ServerType } from '@hono/node-server'
import type { Config } from './config/schema.js'
import { loadVerificationKeys } from './auth/keys.js'
import { createTokenVerifier } from './auth/verify-token.js'
import { createEnricher } from './enrich/index.js'
import { openStorage, type Storage } from './storage/client.js'
import { SchemaReadiness } from './storage/schema-ready.js'
import { Spool } from './spool/spool.js'
import { Writer } from './writer/writer.js'
import { Metrics } from './metrics/metrics.js'
import { OriginPolicy } from './http/cors.js'
import { createApp } from './http/app.js'
import { createLogger, type Logger } from './logger.js'
import { lockDataFolder } from './data-lock.js'
import { startOrders } from './orders/start-orders.js'
import { VisitSummaryCompactor } from './dashboard/visit-summary-compactor.js'

export interface RunningCollector {
  url: string
  port: number
  storage: Storage
  metrics: Metrics
  /** Stops accepting, drains the spool into ClickHouse (up to `deadlineMs`), closes storage. */
  close(deadlineMs?: number): Promise<void>
}

export interface StartOptions {
  logger?: Logger
  /** Where relative paths in the config (JWKS files) are resolved from. */
  configDir?: string
}

const TRACKER_PATH = join(fileURLToPath(import.meta.url), '..', '..', '..', 'sdk-browser', 'dist', 'tally.js')

export async function startCollector(config: Config, options: StartOptions = {}): Promise<RunningCollector> {
  const logger = options.logger ?? createLogger()
  const dataDir = resolve(config.dataDir)
  // Before anything opens the folder. Throws DataFolderLockedError; released at close or exit.
  const lock = lockDataFolder(dataDir)
  const keys = await loadVerificationKeys(config.keys, options.configDir ?? process.cwd())
  const verifier = createTokenVerifier({ keys, ...config.token, knownSites: config.sites.map((s) => s.id) })
  const storage = await openStorage({ ...config, dataDir })
  const schema = new SchemaReadiness(storage, logger, config.writer.maxBackoffMs)

  const metrics = new Metrics()
  const spoolDir = join(dataDir, 'spool')
  const spool = new Spool({ dir: spoolDir, ...config.spool, logger, onSkipped: (bytes) => void (metrics.spoolSkippedBytes += bytes) })
  const orders = startOrders(config, { storage, metrics, logger, journalDir: spoolDir })
  // Closed days' visit summaries for the dashboard (migration 012); harmless on every collector.
  const visitSummaries = new VisitSummaryCompactor({ client: storage.client, database: storage.database, logger })
  const writer = new Writer({ spool, journalDir: spoolDir, storage, metrics, logger, ...config.writer, onOrders: orders.wake })
  metrics.gauge('tally_spool_bytes', 'Bytes in the spool, not yet in ClickHouse.', () => spool.bytes)
  metrics.gauge('tally_spool_segments', 'Sealed spool segments waiting for the writer.', () => spool.segments().length)
  metrics.gauge('tally_spool_commit_rounds', 'Write + fsync rounds of the spool since start (a counter).', () => spool.commitRounds)
  metrics.gauge('tally_spool_lag_seconds', 'Age of the oldest spooled data.', () => spool.oldestAgeMs() / 1000)

  let draining = false
  const app = createApp({
    sites: new Map(config.sites.map((s) => [s.id, s])),
    origins: new OriginPolicy(config.sites),
    verifier,
    enricher: createEnricher({ geo: config.geo, geoCityDir: config.geoCityDir, saltDir: join(dataDir, 'salts'), allowHeadless: config.allowHeadless }),
    spool,
    writer,
    storage,
    schema,
    metrics,
    trustProxy: config.trustProxy,
    spoolMaxBytes: config.spool.maxBytes,
    isDraining: () => draining,
    onOrdersAccepted: orders.accepted,
    reconcileOrders: orders.reconcile,
    adminToken: config.adminToken,
    dashboardToken: config.dashboardToken,
    trackerPath: TRACKER_PATH,
  })
  await schema.start(() => {
    writer.start()
    orders.start()
    visitSummaries.start()
  })

  const server = await listen(app.fetch, config.host, config.port)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  logger.info('collector listening', { url: `http://${host}:${port}`, storage: storage.mode })

  return {
    url: `http://${host}:${port}`,
    port,
    storage,
    metrics,
    async close(deadlineMs = 30_000) {
      draining = true
      await storage.sql?.cancelAll() // analyst queries in flight are stopped, not waited out
      await stopListening(server)
      await spool.close()
      // A summary round in flight is one INSERT (whole or nothing): waited for beside the drain, not after it.
      const [drained] = await Promise.all([writer.drain(deadlineMs), visitSummaries.stop(Math.min(5_000, deadlineMs))])
      await orders.stop(Math.min(5_000, deadlineMs))
      if (!drained) logger.warn('spool not fully drained at shutdown; it is replayed on the next start', { bytes: spool.bytes })
      await storage.close()
      lock.release()
    },
  }
}

/** Stops accepting connections; gives open ones 5 s, then cuts them. */
async function stopListening(server: ServerType): Promise<void> {
  const http = server as import('node:http').Server
  const closed = new Promise<void>((done) => http.close(() => done()))
  http.closeIdleConnections?.()
  const timer = setTimeout(() => http.closeAllConnections?.(), 5_000)
  await closed
  clearTimeout(timer)
}

function listen(fetch: Parameters<typeof serve>[0]['fetch'], hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolveListen, reject) => {
    const server = serve({ fetch, hostname, port }, () => resolveListen(server))
    server.once('error', reject)
  })
}
