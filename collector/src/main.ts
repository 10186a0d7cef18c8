import { startCollector } from './collector.js'
import { ConfigError, loadConfig } from './config/load.js'
import { DataFolderLockedError } from './data-lock.js'
import { devConfig, devToken, loadDevSetup, DEV_SITE } from './dev-setup.js'
import { createLogger } from './logger.js'
import { threadPoolShortfall } from './threadpool-env.js'

/**
 * `npm start`: the collector on the embedded engine (or CLICKHOUSE_URL). With no
 * TALLY_CONFIG it runs in dev mode and prints a token and a curl line that work.
 */
/** Past the drain deadline: the listener's 5 s for open connections, and closing the storage. */
const SHUTDOWN_MARGIN_MS = 10_000

async function main(): Promise<void> {
  const logger = createLogger(process.env.TALLY_LOG !== 'off')
  const dev = !process.env.TALLY_CONFIG
  const dataDir = process.env.TALLY_DATA_DIR || '.tally'
  const setup = dev ? loadDevSetup(dataDir) : undefined
  const { config, configDir } = loadConfig(process.env, setup ? devConfig(setup) : {})
  const collector = await startCollector(config, { logger, configDir })
  const shortfall = collector.storage.mode === 'embedded' ? threadPoolShortfall(process.env, config.clickhouse.readSessions) : undefined
  if (shortfall) logger.warn(shortfall)

  if (setup) {
    const token = await devToken(setup, 86_400, 'server') // for curl: a terminal is a backend
    const event = JSON.stringify({
      sent_at: 0,
      events: [{ id: '__ID__', type: 'pageview', name: 'pageview', ts: 0, anon_id: 'curl-visitor', url: 'http://example.test/hello' }],
    })
    const curlBody = event.replace('"__ID__"', '"\'$(cat /proc/sys/kernel/random/uuid)\'"').replaceAll('"sent_at":0', '"sent_at":\'$(date +%s%3N)\'').replace('"ts":0', '"ts":\'$(date +%s%3N)\'')
    console.log(`
Tally collector ready at ${collector.url} (storage: ${collector.storage.mode}, data: ${config.dataDir})
Dev mode: site "${DEV_SITE}", any origin. Set TALLY_CONFIG for real sites and keys.

Dev token (24 h; scope "ingest server orders": for curl and backends, never for a page):
  ${token}

Send a page view:
  curl -i -X POST ${collector.url}/v1/batch -H 'Authorization: Bearer ${token}' -H 'Content-Type: text/plain' --data '${curlBody}'

Live dashboard:
  ${collector.url}/dashboard#token=${setup.dashboardToken}

Read the rollup with SQL (admin token in ${dataDir}/dev.json):
  curl -s ${collector.url}/v1/sql -H 'Authorization: Bearer ${setup.adminToken}' --data '{"query":"SELECT hour, sum(pageviews) AS pv, uniqMerge(visitors) AS uv FROM ${config.clickhouse.database}.traffic_hourly GROUP BY hour ORDER BY hour"}'
`)
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    const { drainTimeoutMs } = config.shutdown
    logger.info('draining', { signal, drainTimeoutMs })
    // A backstop: whatever hangs past the deadline (open connections get 5 s, then the
    // storage closes), the process goes; the spool keeps what was not inserted.
    setTimeout(() => {
      logger.warn('shutdown overran its deadline; exiting, the spool is replayed on the next start', { drainTimeoutMs })
      process.exit(1)
    }, drainTimeoutMs + SHUTDOWN_MARGIN_MS).unref()
    await collector.close(drainTimeoutMs)
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataFolderLockedError) console.error(`[tally] ${err.message}`)
  else console.error('[tally] failed to start:', err)
  process.exit(1)
})
