import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { configSchema, type Config, type ConfigInput } from './schema.js'

/** Environment variables and the config setting each one sets. */
export const ENV_SETTINGS: Record<string, string> = {
  HOST: 'host',
  PORT: 'port',
  TALLY_DATA_DIR: 'dataDir',
  CLICKHOUSE_URL: 'clickhouse.url',
  CLICKHOUSE_USER: 'clickhouse.user',
  CLICKHOUSE_PASSWORD: 'clickhouse.password',
  CLICKHOUSE_DATABASE: 'clickhouse.database',
  CLICKHOUSE_TIMEOUT_MS: 'clickhouse.requestTimeoutMs',
  CLICKHOUSE_READ_SESSIONS: 'clickhouse.readSessions',
  CLICKHOUSE_SQL_USER: 'clickhouse.sqlUser',
  CLICKHOUSE_SQL_PASSWORD: 'clickhouse.sqlPassword',
  TALLY_SQL_MAX_EXECUTION_SECONDS: 'sql.maxExecutionSeconds',
  TALLY_SQL_MAX_RESULT_ROWS: 'sql.maxResultRows',
  TALLY_SQL_MAX_RESULT_BYTES: 'sql.maxResultBytes',
  TALLY_SQL_MAX_MEMORY_BYTES: 'sql.maxMemoryBytes',
  TALLY_TOKEN_ISSUER: 'token.issuer',
  TALLY_TOKEN_AUDIENCE: 'token.audience',
  TALLY_TOKEN_MAX_LIFETIME: 'token.maxLifetimeSeconds',
  TALLY_CLOCK_SKEW: 'token.clockSkewSeconds',
  TALLY_SPOOL_MAX_BYTES: 'spool.maxBytes',
  TALLY_SEGMENT_BYTES: 'spool.segmentBytes',
  TALLY_FLUSH_INTERVAL_MS: 'writer.flushIntervalMs',
  TALLY_MAX_BACKOFF_MS: 'writer.maxBackoffMs',
  TALLY_DRAIN_TIMEOUT_MS: 'shutdown.drainTimeoutMs',
  TALLY_TRUST_PROXY: 'trustProxy',
  TALLY_GEO: 'geo',
  TALLY_GEO_CITY_DIR: 'geoCityDir',
  TALLY_ADMIN_TOKEN: 'adminToken',
  TALLY_DASHBOARD_TOKEN: 'dashboardToken',
  TALLY_ALLOW_HEADLESS: 'allowHeadless',
  TALLY_ORDERS_APPLIER: 'orders.applier',
  TALLY_ORDERS_LEASE_TTL_MS: 'orders.leaseTtlMs',
  TALLY_ORDERS_RECONCILE_INTERVAL_MS: 'orders.reconcileIntervalMs',
}

export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG'
}

export interface LoadedConfig {
  config: Config
  /** Folder of the config file (relative paths in it are resolved from there). */
  configDir: string
}

/**
 * Merges the optional JSON config file (`TALLY_CONFIG`) with the environment (which
 * wins), validates, and fails with a message naming the bad setting and where it came from.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaults: ConfigInput | object = {}): LoadedConfig {
  const file = env.TALLY_CONFIG
  let fromFile: Record<string, unknown> = {}
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    } catch (err) {
      throw new ConfigError(`TALLY_CONFIG: cannot read ${file}: ${(err as Error).message}`)
    }
  }
  const merged = deepMerge(deepMerge({ clickhouse: {}, sql: {}, token: {}, spool: {}, writer: {}, orders: {} }, defaults as Record<string, unknown>), fromFile)
  const sourceOf = new Map<string, string>()
  for (const [name, path] of Object.entries(ENV_SETTINGS)) {
    const value = env[name]
    if (value === undefined || value === '') continue
    setPath(merged, path, value)
    sourceOf.set(path, name)
  }
  const parsed = configSchema.safeParse(merged)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.')
      const where = sourceOf.get(path) ?? (file ? `${path} (in ${file})` : path)
      return `${where}: ${issue.message}`
    })
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`)
  }
  return { config: parsed.data, configDir: file ? dirname(resolve(file)) : process.cwd() }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.')
  let at = target
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>
  at[keys.at(-1)!] = value
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key]
    out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value
  }
  return out
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
